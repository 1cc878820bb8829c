import http from 'node:http';

export interface TextAnswer {
  status: number;
  body: string;
}

/**
 * One HTTP request whose answer is read whole as text (the load generators' and the benches' admin calls):
 * a JSON body gets its type and length, and a request without an answer within `timeoutMs` is destroyed with
 * an error whose code is TIMEOUT.
 */
export function requestText(
  base: URL,
  options: { method: string; path: string; headers: Record<string, string>; body?: string; agent?: http.Agent | false; timeoutMs: number },
): Promise<TextAnswer> {
  const { method, path, headers, body, agent, timeoutMs } = options;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: base.hostname, port: base.port, method, path, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`${method} ${path}: no answer in ${timeoutMs / 1000} s`), { code: 'TIMEOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}
