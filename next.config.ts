import type { NextConfig } from "next";

const config: NextConfig = {
  // Server-only packages with native pieces or dynamic requires stay outside the bundle.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pg",
    "playwright-core",
    "pino",
    "pino-pretty",
    "prom-client",
    "ws",
    "cheerio",
    "fs-ext",
    "exceljs",
  ],
  poweredByHeader: false,
  devIndicators: false,
};

export default config;
