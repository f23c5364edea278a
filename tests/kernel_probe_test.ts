/**
 * probe() in a REAL Deno Jupyter kernel (Jupyter Notebook server + `deno jupyter --kernel`)
 * against the sandbox running in this test process: the table is shown at once and filled
 * in place (display_data, then update_display_data with the same display_id), and exactly
 * one table remains.
 */
import assert from "node:assert/strict";
import { PERSONAS, startSandbox } from "../src/sandbox/mod.ts";
import { type CellOutput, kernelTest, outputsForDisplayId, startJupyter } from "./_jupyter.ts";

const MOD_URL = new URL("../mod.ts", import.meta.url).href;

function displayIdOf(outputs: CellOutput[]): string {
  const first = outputs.find((o) => o.type === "display_data" && o.content?.transient?.display_id);
  assert.ok(first, `no display_data with a display_id; got ${outputs.map((o) => o.type)}`);
  return first.content.transient.display_id;
}

kernelTest("probe() in a Deno kernel: live table, inference names the permission", async () => {
  await using sandbox = startSandbox({ quiet: true });
  const home = await Deno.makeTempDir({ prefix: "hfna-kernel-probe-" });
  const token = PERSONAS.fineGrainedNoInference.token;
  try {
    await using server = await startJupyter({
      env: { ...sandbox.env, HOME: home, HF_HOME: `${home}/hf`, HF_TOKEN: token },
    });
    await using kernel = await server.startKernel();

    // 1. The cell's value is the table: live display first, then one final table.
    const first = await kernel.execute(`import { probe } from "${MOD_URL}";\nawait probe()`);
    assert.equal(first.status, "ok", first.error?.evalue);
    const id = displayIdOf(first.outputs);
    const live = outputsForDisplayId(first, id);
    assert.equal(live[0].type, "display_data");
    assert.ok(live.slice(1).every((o) => o.type === "update_display_data"));
    assert.ok(live.length >= 3, `expected updates, got ${live.length} messages`);
    // The first frame has pending rows; a later frame is complete.
    assert.match(live[0].content.data["text/html"], /class="hfna-row-pending"/);
    const finalLive = live.filter((o) => /hfna-row-ok/.test(o.content.data["text/html"] ?? ""));
    assert.ok(finalLive.length > 0, "no update with finished rows");
    // The cell's value is the finished table, and the live copy was blanked: one table remains.
    const results = first.outputs.filter((o) => o.type === "execute_result");
    assert.equal(results.length, 1);
    const table = results[0].content.data["text/html"] as string;
    assert.equal(live.at(-1)!.content.data["text/html"], "");
    assert.doesNotMatch(table, /class="hfna-row-pending"/);

    // Hub rows work, inference rows fail naming the permission (in each row's details).
    const rowOf = (rowId: string) => {
      const m = new RegExp(
        `<details class="hfna-row-(\\w[\\w-]*)" data-probe-id="${
          rowId.replace(".", "\\.")
        }"[^>]*>([\\s\\S]*?)</details>`,
      )
        .exec(table);
      assert.ok(m, `row ${rowId} not in the table`);
      return { verdict: m[1], html: m[2] };
    };
    for (const rowId of ["hub.whoami", "hub.model-info", "hub.private-repos"]) {
      assert.equal(rowOf(rowId).verdict, "ok", rowId);
    }
    for (
      const rowId of [
        "inference.chat",
        "inference.text-classification",
        "inference.token-classification",
        "inference.feature-extraction",
      ]
    ) {
      const r = rowOf(rowId);
      assert.equal(r.verdict, "failed", rowId);
      assert.match(r.html, /Make calls to Inference Providers/);
      assert.match(r.html, /predicted: fails/);
    }
    // The cause is said once, with its fix, above the rows.
    assert.match(table, /5 blocked by one missing permission \(Inference Providers\)/);
    // inference permission, gated permission, the write row, the legacy rows
    assert.equal(table.match(/<div class="hfna-cause[^"]*" data-cause=/g)?.length, 4);
    // outside the rows' (closed) details, the fix is said once
    const summaryOnly = table.replace(/<div class="hfna-row-more"[\s\S]*?<\/details>/g, "");
    assert.equal(
      summaryOnly.match(/tick &quot;Make calls to Inference Providers&quot;/g)?.length,
      1,
    );
    assert.match(first.text(), /5 blocked by one missing permission/);

    // 2. Kept in a variable (no cell value): the live table stays, filled in.
    const second = await kernel.execute(
      `const t = await probe({ only: ["hub", "inference.chat"] });`,
    );
    assert.equal(second.status, "ok", second.error?.evalue);
    const id2 = displayIdOf(second.outputs);
    const live2 = outputsForDisplayId(second, id2);
    assert.equal(second.outputs.filter((o) => o.type === "execute_result").length, 0);
    assert.match(live2.at(-1)!.content.data["text/html"], /Make calls to Inference Providers/);
    assert.doesNotMatch(live2.at(-1)!.content.data["text/html"], /class="hfna-row-pending"/);
    // Shown again later, it renders in full.
    const third = await kernel.execute(`t`);
    assert.match(third.html(), /Token probes/);

    // No message of any cell carries the unmasked token.
    for (const result of [first, second, third]) {
      assert.ok(!JSON.stringify(result.raw).includes(token), "token leaked in a message");
    }
  } finally {
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
});
