// Tokenizes .plan files with the extension's TextMate grammar through
// vscode-textmate and vscode-oniguruma, the engine VS Code itself uses,
// and prints every token with its scopes as JSON:
//   {"files": [{"path": P, "tokens": [{"start": B, "end": B, "text": T, "scopes": [S...]}]}]}
// `start` and `end` are byte offsets in the file, so that a test can put
// them beside planc's own spans. Run by tests/textmate.rs.
"use strict";

const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const GRAMMAR = path.join(__dirname, "..", "syntaxes", "plan.tmLanguage.json");

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === "source.plan"
        ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, "utf8"), GRAMMAR)
        : null,
  });
  return registry.loadGrammar("source.plan");
}

/** Every token of `text`, with byte offsets into the whole text. */
function tokenize(grammar, text) {
  const tokens = [];
  let ruleStack = vsctm.INITIAL;
  let lineStart = 0;
  for (const rawLine of text.split("\n")) {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    const result = grammar.tokenizeLine(line, ruleStack);
    for (const token of result.tokens) {
      const end = Math.min(token.endIndex, line.length);
      if (end <= token.startIndex) {
        continue;
      }
      tokens.push({
        start: lineStart + Buffer.byteLength(line.slice(0, token.startIndex)),
        end: lineStart + Buffer.byteLength(line.slice(0, end)),
        text: line.slice(token.startIndex, end),
        scopes: token.scopes,
      });
    }
    ruleStack = result.ruleStack;
    lineStart += Buffer.byteLength(rawLine) + 1;
  }
  return tokens;
}

async function main() {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: node test/tokenize.js FILE.plan...");
    process.exit(2);
  }
  const grammar = await loadGrammar();
  const out = files.map((file) => ({ path: file, tokens: tokenize(grammar, fs.readFileSync(file, "utf8")) }));
  process.stdout.write(JSON.stringify({ files: out }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
