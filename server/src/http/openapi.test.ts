import { Spectral, type ISpectralDiagnostic } from '@stoplight/spectral-core';
import { oas } from '@stoplight/spectral-rulesets';
import { afterEach, describe, expect, it } from 'vitest';
import { HQ_ROUTE_LIST } from '../../../shared/hq/routes';
import { makeHq, type TestHq } from '../test/harness';

interface OpenApiDocument {
  openapi: string;
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, { operationId?: string; description?: string; tags?: string[] }>>;
}

const SEVERITY = ['error', 'warning', 'information', 'hint'] as const;

/** Spectral's `spectral:oas` findings of a document: errors and warnings, as `severity rule at path: message`. */
async function spectralFindings(document: unknown): Promise<string[]> {
  const spectral = new Spectral();
  spectral.setRuleset({ extends: [[oas, 'recommended']] } as never);
  const results: ISpectralDiagnostic[] = await spectral.run(JSON.stringify(document));
  return results.filter((r) => r.severity <= 1).map((r) => `${SEVERITY[r.severity]} ${String(r.code)} at ${r.path.join('.')}: ${r.message}`);
}

describe("HQ's API description", () => {
  let hq: TestHq | null = null;
  afterEach(async () => {
    await hq?.close();
    hq = null;
  });

  async function description(): Promise<OpenApiDocument> {
    hq = await makeHq('sqlite', { demo: false });
    return (await hq.app.inject({ url: '/docs/json' })).json<OpenApiDocument>();
  }

  it("passes Spectral's OpenAPI rules with no error and no warning", async () => {
    expect(await spectralFindings(await description())).toEqual([]);
  }, 30_000);

  it('names every route of the table with its operationId, description and tag, its tags declared at the top', async () => {
    const doc = await description();
    const declared = new Set((doc.tags ?? []).map((t) => t.name));
    for (const route of HQ_ROUTE_LIST.filter((r) => !r.hidden)) {
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const operation = doc.paths[path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toMatchObject({ operationId: route.operationId, description: route.description, tags: [route.tag] });
      expect(declared.has(route.tag), route.tag).toBe(true);
    }
  });

  it('fails Spectral when an operation lacks its operationId, description or tag', async () => {
    const doc = await description();
    const operation = doc.paths['/health']!.get!;
    delete operation.operationId;
    delete operation.description;
    delete operation.tags;
    const findings = await spectralFindings(doc);
    expect(findings.some((f) => f.includes('operation-operationId'))).toBe(true);
    expect(findings.some((f) => f.includes('operation-description'))).toBe(true);
    expect(findings.some((f) => f.includes('operation-tags'))).toBe(true);
  }, 30_000);
});
