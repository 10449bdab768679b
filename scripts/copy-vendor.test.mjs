import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { copyVendor, FILES } from "./copy-vendor.mjs";

test("every vendor file is copied and not empty", () => {
  const out = copyVendor();
  for (const [, to] of FILES) {
    const p = join(out, to);
    assert.ok(existsSync(p), `${p} exists`);
    const s = statSync(p);
    assert.ok(s.isDirectory() || s.size > 1000, `${p} has content`);
  }
});
