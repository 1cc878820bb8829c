import { z } from 'zod';
import { isValidGtin } from './barcode';
import { TAX_CLASSES } from './api';

/** One product in a catalog file (`shared/demo/catalog.json`, HQ's `/catalog/import`). */
export const CatalogProductSchema = z
  .object({
    sku: z.string().min(1).max(40),
    barcodes: z
      .array(z.string().refine(isValidGtin, 'is not a valid EAN-13, UPC-A or EAN-8 barcode'))
      .min(1)
      .max(20),
    name: z.string().min(1).max(120),
    price: z.number().int('must be whole minor units (cents)').nonnegative(),
    taxClass: z.enum(TAX_CLASSES),
    /**
     * Whether an in-store scale label (prefix 2, item code, price or weight) may price it: fresh produce,
     * deli, anything weighed in the store. Absent: false, so no label can price any other product.
     */
    priceByLabel: z.boolean().optional(),
  })
  .strict();
export type CatalogProduct = z.infer<typeof CatalogProductSchema>;

export const CatalogFileSchema = z.object({ products: z.array(CatalogProductSchema) });
export type CatalogFile = z.infer<typeof CatalogFileSchema>;
