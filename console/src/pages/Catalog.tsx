/** Catalog: search the chain's products a page at a time, change a price or tax class, import a CSV or JSON file. */
import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { ConsoleProductSchema, ImportReportSchema, PRODUCT_SEARCH_TOTAL_CAP, ProductPageSchema, TaxClassListSchema } from '../../../shared/hq/console';
import { call } from '../api';
import { canChangeChain, Empty, ErrorMessage, Field, Notice, PageHeader, useConsole, useLoad } from '../components';
import { dateTime, money, number, parseMoney, toDecimal } from '../format';
import { useTranslation } from '../i18n';

type Product = z.infer<typeof ConsoleProductSchema>;
const PAGE_SIZE = 50;

export function CatalogPage() {
  const { t, i18n } = useTranslation();
  const { user, stores } = useConsole();
  // Prices are the chain's, in the chain's currency: the stores share one.
  const currency = stores[0]?.currency ?? 'EUR';
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  // The cursors of the pages before this one, so "Previous" goes back without HQ counting offsets.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const after = cursors[cursors.length - 1];
  const page = useLoad(() => call(ProductPageSchema, 'GET', '/products', { query: { q, limit: PAGE_SIZE, after } }), [q, after]);
  const taxClasses = useLoad(() => call(TaxClassListSchema, 'GET', '/tax-classes'), []);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const chain = canChangeChain(user);

  const search = (e: FormEvent) => {
    e.preventDefault();
    setQ(typed.trim());
    setCursors([undefined]);
  };
  const first = (cursors.length - 1) * PAGE_SIZE + 1;
  const count = page.data?.products.length ?? 0;

  return (
    <section className="page__body">
      <PageHeader title={t('catalog.title')}>
        <form className="search" role="search" onSubmit={search}>
          <Field label={t('catalog.search')}>{(id) => <input id={id} type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder={t('catalog.searchHint')} />}</Field>
          <button type="submit" className="button button--primary">{t('catalog.searchButton')}</button>
        </form>
      </PageHeader>
      <ErrorMessage error={page.error ?? taxClasses.error} />
      {notice ? <Notice>{notice}</Notice> : null}
      <p className="muted" aria-live="polite">
        {page.data ? (count === 0 ? t('catalog.noMatch') : t('catalog.showing', { first: number(first, i18n.language), last: number(first + count - 1, i18n.language), total: `${number(page.data.total, i18n.language)}${page.data.total >= PRODUCT_SEARCH_TOTAL_CAP ? '+' : ''}` })) : page.loading ? t('common.loading') : null}
      </p>
      <table className="table">
        <caption className="sr-only">{t('catalog.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('catalog.sku')}</th>
            <th scope="col">{t('catalog.name')}</th>
            <th scope="col" className="num">{t('catalog.price')}</th>
            <th scope="col">{t('catalog.taxClass')}</th>
            <th scope="col">{t('catalog.barcodes')}</th>
            <th scope="col">{t('catalog.updatedAt')}</th>
            {chain ? <th scope="col">{t('common.actions')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {count === 0 && page.data ? <Empty colSpan={chain ? 7 : 6}>{t('catalog.noMatch')}</Empty> : null}
          {page.data?.products.map((p) =>
            editing === p.sku ? (
              <EditRow
                key={p.sku}
                product={p}
                currency={currency}
                taxClasses={taxClasses.data?.taxClasses ?? []}
                onDone={(changed) => (setEditing(null), setNotice(t('catalog.saved', { name: changed.name, price: money(changed.price, currency, i18n.language) })), page.reload())}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <tr key={p.sku} data-sku={p.sku}>
                <td><code>{p.sku}</code></td>
                <td>{p.name}</td>
                <td className="num">{money(p.price, currency, i18n.language)}</td>
                <td>{p.taxClass}</td>
                <td className="muted">{p.barcodes.join(', ')}</td>
                <td className="nowrap">{dateTime(p.updatedAt, i18n.language)}</td>
                {chain ? (
                  <td className="actions">
                    <button type="button" className="button button--secondary button--small" onClick={() => setEditing(p.sku)} aria-label={t('catalog.editOne', { name: p.name })}>
                      {t('common.edit')}
                    </button>
                  </td>
                ) : null}
              </tr>
            ),
          )}
        </tbody>
      </table>
      <div className="pager">
        <button type="button" className="button button--secondary" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t('common.previous')}
        </button>
        <button type="button" className="button button--secondary" disabled={!page.data?.next} onClick={() => page.data?.next && setCursors((c) => [...c, page.data!.next!])}>
          {t('common.next')}
        </button>
      </div>
      {chain ? <Import onImported={page.reload} /> : null}
    </section>
  );
}

function EditRow({ product, currency, taxClasses, onDone, onCancel }: { product: Product; currency: string; taxClasses: { code: string; name: string; rateBp: number }[]; onDone: (p: Product) => void; onCancel: () => void }) {
  const { t, i18n } = useTranslation();
  const [price, setPrice] = useState(toDecimal(product.price, currency));
  const [taxClass, setTaxClass] = useState(product.taxClass);
  const [error, setError] = useState<unknown>(null);
  const [invalid, setInvalid] = useState(false);
  const save = (e: FormEvent) => {
    e.preventDefault();
    const minor = parseMoney(price, currency);
    if (minor === null) return setInvalid(true);
    setInvalid(false);
    const body: { price?: number; taxClass?: string } = {};
    if (minor !== product.price) body.price = minor;
    if (taxClass !== product.taxClass) body.taxClass = taxClass;
    if (Object.keys(body).length === 0) return onCancel();
    call(ConsoleProductSchema, 'POST', `/products/${encodeURIComponent(product.sku)}`, { body }).then(onDone, setError);
  };
  const classes = taxClasses.some((c) => c.code === product.taxClass) ? taxClasses : [{ code: product.taxClass, name: product.taxClass, rateBp: 0 }, ...taxClasses];
  return (
    <tr className="row--editing" data-sku={product.sku}>
      <td><code>{product.sku}</code></td>
      <td colSpan={5}>
        <form className="form-row" onSubmit={save} onKeyDown={(e) => e.key === 'Escape' && onCancel()} aria-label={t('catalog.editOne', { name: product.name })}>
          <strong>{product.name}</strong>
          <Field label={t('catalog.priceIn', { currency })}>{(id) => <input id={id} inputMode="decimal" required size={10} value={price} onChange={(e) => setPrice(e.target.value)} autoFocus />}</Field>
          <Field label={t('catalog.taxClass')}>
            {(id) => (
              <select id={id} value={taxClass} onChange={(e) => setTaxClass(e.target.value)}>
                {classes.map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.name} ({number(c.rateBp / 100, i18n.language, 2)} %)
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" className="button button--primary button--small">{t('common.save')}</button>
          <button type="button" className="button button--secondary button--small" onClick={onCancel}>{t('common.cancel')}</button>
          {invalid ? <p className="message message--error" role="alert">{t('catalog.badPrice')}</p> : null}
          <ErrorMessage error={error} />
        </form>
      </td>
      <td />
    </tr>
  );
}

function Import({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<z.infer<typeof ImportReportSchema> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setReport(null);
    const type = /\.json$/i.test(file.name) || file.type === 'application/json' ? 'application/json' : 'text/csv';
    try {
      const text = await file.text();
      setReport(await call(ImportReportSchema, 'POST', '/catalog/import', { raw: { text, type } }));
      onImported();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="import-title">
      <h2 id="import-title">{t('catalog.import')}</h2>
      <div className="form-row">
        <Field label={t('catalog.file')} hint={t('catalog.fileHint')}>{(id, hint) => <input id={id} type="file" accept=".csv,.json,text/csv,application/json" aria-describedby={hint} onChange={(e) => setFile(e.target.files?.[0] ?? null)} />}</Field>
        <button type="submit" className="button button--primary" disabled={!file || busy}>
          {t('catalog.importButton')}
        </button>
      </div>
      <ErrorMessage error={error} />
      {report ? (
        <>
          <Notice>{t('catalog.imported', { count: report.imported, rejected: report.rejected.length })}</Notice>
          {report.rejected.length > 0 ? (
            <table className="table">
              <caption>{t('catalog.rejectedRows')}</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">{t('catalog.row')}</th>
                  <th scope="col">{t('catalog.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {report.rejected.map((r) => (
                  <tr key={r.row}>
                    <td className="num">{r.row}</td>
                    <td>{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </>
      ) : null}
    </form>
  );
}
