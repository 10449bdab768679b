// Copies the browser builds of our front-end libraries out of node_modules into
// gongzhi/static/vendor, so Django serves them itself: no CDN, works on an intranet.
import { cpSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "gongzhi", "static", "vendor");

export const FILES = [
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["leaflet/dist/leaflet.js", "leaflet/leaflet.js"],
  ["leaflet/dist/leaflet.css", "leaflet/leaflet.css"],
  ["leaflet/dist/images", "leaflet/images"],
  ["echarts/dist/echarts.min.js", "echarts/echarts.min.js"],
];

export function copyVendor() {
  for (const [from, to] of FILES) {
    const src = join(root, "node_modules", from);
    if (!existsSync(src)) throw new Error(`missing ${src}: run npm ci first`);
    const dest = join(out, to);
    mkdirSync(dirname(dest), { recursive: true });
    cpSync(src, dest, { recursive: true });
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`vendor assets copied to ${copyVendor()}`);
}
