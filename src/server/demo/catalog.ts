/**
 * The bundled demo shop's catalogue: 48 products, generated deterministically so the site, the CSV and the tests
 * always agree. A few extra slugs behave badly on purpose, so a demo run shows retries and failures too.
 */
export interface DemoProduct {
  slug: string;
  name: string;
  /** In cents, to print exactly. */
  priceCents: number;
  /** 1.0-5.0, one decimal. */
  rating: number;
  reviews: number;
  stock: number;
  categories: string[];
  description: string;
}

const MATERIALS = ["Oak", "Walnut", "Linen", "Copper", "Slate", "Ceramic", "Wool", "Bamboo"];
const ITEMS: { noun: string; categories: string[]; base: number; blurb: string }[] = [
  {
    noun: "Desk Lamp",
    categories: ["Lighting", "Office"],
    base: 6900,
    blurb: "a warm, glare-free light for late evenings at the desk",
  },
  { noun: "Pour-Over Kettle", categories: ["Kitchen"], base: 4500, blurb: "a gooseneck spout for a slow, even pour" },
  {
    noun: "Reading Chair",
    categories: ["Living room", "Furniture"],
    base: 34900,
    blurb: "a deep seat and a high back for long afternoons with a book",
  },
  {
    noun: "Throw Blanket",
    categories: ["Living room", "Textiles"],
    base: 7900,
    blurb: "a soft weave that keeps its shape wash after wash",
  },
  {
    noun: "Bookshelf",
    categories: ["Furniture", "Office"],
    base: 21900,
    blurb: "five adjustable shelves and a frame that does not wobble",
  },
  {
    noun: "Serving Board",
    categories: ["Kitchen", "Dining"],
    base: 3900,
    blurb: "cut from one piece and finished with food-safe oil",
  },
];

/** A tiny deterministic generator (mulberry32): the same catalogue on every machine. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const slugify = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

function buildCatalogue(): DemoProduct[] {
  const next = random(20240611);
  const products: DemoProduct[] = [];
  for (const material of MATERIALS) {
    for (const item of ITEMS) {
      const name = `${material} ${item.noun}`;
      const priceCents = Math.round((item.base * (0.8 + next() * 0.6)) / 100) * 100 - 1;
      const rating = Math.round((3 + next() * 2) * 10) / 10;
      const stock = next() < 0.15 ? 0 : Math.floor(next() * 60) + 1;
      products.push({
        slug: slugify(name),
        name,
        priceCents,
        rating,
        reviews: Math.floor(next() * 400) + 3,
        stock,
        categories: [
          ...item.categories,
          material === "Linen" || material === "Wool" ? "Natural fibres" : "Natural materials",
        ],
        description: `The ${name} is ${item.blurb}. Made in small batches from ${material.toLowerCase()}, and built to be repaired rather than replaced.`,
      });
    }
  }
  return products;
}

export const PRODUCTS: DemoProduct[] = buildCatalogue();
export const PAGE_SIZE = 12;

/** Two real products that answer slowly (a live card that waits), and three slugs that misbehave. */
export const SLOW_SLUGS = new Set([PRODUCTS[7]!.slug, PRODUCTS[30]!.slug]);
export const SLOW_MS = 4_000;
export const FAILING_SLUG = "clearance-mystery-box"; // 500: the stock service is "down"
export const MISSING_SLUG = "discontinued-brass-kettle"; // 404
export const MOVED_SLUG = "oak-desk-lamp-2023"; // 301 to the current model
export const MOVED_TO = PRODUCTS[0]!.slug;

export const findProduct = (slug: string) => PRODUCTS.find((p) => p.slug === slug);

export const formatPrice = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/** The quantities the product page's delivery estimate offers. */
export const ESTIMATE_QUANTITIES = [1, 2, 3, 4, 5] as const;

/**
 * What the product page's "Estimate delivery" form answers for an order of `quantity` (deterministic, so goal tests
 * can check a model's answer): the page's own delivery days, one more for three items or more; shipping $4.95 plus
 * $1.50 per extra item. An out-of-stock product has no estimate.
 */
export function deliveryEstimate(product: DemoProduct, quantity: number): { days: number; costCents: number } | null {
  if (product.stock <= 0) return null;
  return { days: 2 + (product.reviews % 4) + (quantity >= 3 ? 1 : 0), costCents: 495 + 150 * (quantity - 1) };
}

/** The sentence the estimate form shows, e.g. "2 items to SW1A 1AA: 4 working days, shipping $6.45". */
export function deliveryEstimateText(product: DemoProduct, quantity: number, postcode: string): string {
  const estimate = deliveryEstimate(product, quantity);
  if (!estimate) return "Out of stock: no delivery estimate until it is back";
  const items = `${quantity} item${quantity === 1 ? "" : "s"}`;
  return `${items} to ${postcode}: ${estimate.days} working days, shipping ${formatPrice(estimate.costCents)}`;
}

/** Every page of the demo CSV: the 48 products, then the misbehaving ones. */
export function demoPagePaths(): string[] {
  return [
    ...PRODUCTS.map((p) => `/demo/products/${p.slug}`),
    `/demo/products/${MOVED_SLUG}`,
    `/demo/products/${FAILING_SLUG}`,
    `/demo/products/${MISSING_SLUG}`,
  ];
}
