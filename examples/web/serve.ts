/**
 * `npm run demo`: builds the digits file if needed and serves the demo page
 * (examples/web) with the built bundle on http://127.0.0.1:8080 (PORT=… to
 * change; a free port is picked when it is taken). Run `npm run build` first
 * (the npm script does).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ensureData } from "./build_data";
import { startStaticServer } from "./server";

const root = fileURLToPath(new URL("../../", import.meta.url));
if (!existsSync(new URL("../../dist/neurenix.js", import.meta.url))) {
  console.error("dist/neurenix.js is missing: run `npm run build` (or `npm run demo`, which builds it)");
  process.exit(1);
}
ensureData();

const port = Number(process.env.PORT ?? 8080);
const server = await startStaticServer({ root, port, index: "/examples/web/" }).catch((e: NodeJS.ErrnoException) => {
  if (e.code !== "EADDRINUSE") throw e;
  console.log(`port ${port} is taken; picking a free one`);
  return startStaticServer({ root, port: 0, index: "/examples/web/" });
});
console.log(`neurenix demo: ${server.url}/examples/web/  (Ctrl+C to stop)`);
