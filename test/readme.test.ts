/**
 * README's TypeScript blocks run as written: each ```ts block is saved as a
 * module with its import of the package ("neurenix", "npm:neurenix" or a
 * path ending in /neurenix.js) pointed at ts/index.ts (or the bundle), then
 * run by Node with tsx and the wasm hook (as the examples are); it must exit
 * with code 0.
 * A block whose first line is `// not run: <why>` is skipped (the API
 * summary). README's links must work on npm too, where only the package's
 * files exist: every link is absolute or an anchor.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");
/** The sources, or what NEURENIX_ENTRY names (test:platforms: dist/neurenix.js, to run the blocks on the bundle). */
const ENTRY = process.env.NEURENIX_ENTRY ?? join(ROOT, "ts/index.ts");
const SKIP = /^\/\/ not run: \S/;

interface Block {
  /** "README.md:<line> (<section>)" */
  name: string;
  code: string;
}

function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let section = "";
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith("#")) section = lines[i].replace(/^#+\s*/, "");
    if (lines[i] !== "```ts") continue;
    const end = lines.indexOf("```", i + 1);
    if (end < 0) throw new Error(`README.md:${i + 1}: a \`\`\`ts block is not closed`);
    blocks.push({ name: `README.md:${i + 1} (${section})`, code: lines.slice(i + 1, end).join("\n") });
    i = end;
  }
  return blocks;
}

/** Points the block's imports of the package at the sources; throws if it imports nothing of it. */
function withSourceImport(block: Block): string {
  let found = false;
  const code = block.code.replace(/from "(neurenix|npm:neurenix[^"]*|[^"]*\/neurenix\.js)"/g, () => {
    found = true;
    return `from ${JSON.stringify(ENTRY)}`;
  });
  if (!found) throw new Error(`${block.name}: imports nothing from "neurenix", so it cannot run on its own`);
  return code;
}

const dir = mkdtempSync(join(tmpdir(), "neurenix-readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const blocks = tsBlocks(README);

describe("README's ```ts blocks", () => {
  it("are there, and few are exempt from running", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    expect(blocks.filter((b) => SKIP.test(b.code)).map((b) => b.name)).toHaveLength(1);
  });

  for (const [k, block] of blocks.entries()) {
    it.skipIf(SKIP.test(block.code))(`${block.name} runs and exits 0`, () => {
      const file = join(dir, `block${k}.mts`);
      writeFileSync(file, withSourceImport(block));
      const r = spawnSync(process.execPath, ["--import", "tsx", "--import", "./scripts/register-wasm.mjs", file], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.status, `${block.name}\n${block.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(0);
    });
  }
});

it("links only to absolute URLs and anchors (the package ships no other file)", () => {
  const targets = [...README.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  expect(targets.length).toBeGreaterThan(0);
  expect(targets.filter((t) => !/^(https:\/\/|#)/.test(t))).toEqual([]);
});
