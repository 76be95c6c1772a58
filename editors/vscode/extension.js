// The VS Code client of `planc lsp`: starts the server with the `planc`
// of the `planc.path` setting and hands it the `.plan` files. Plain
// JavaScript without a build step: the server does all the work.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

/** The `planc` program to run: the setting, or `planc` on the PATH. */
function plancCommand() {
  const configured = vscode.workspace.getConfiguration("planc").get("path");
  return typeof configured === "string" && configured.trim() !== "" ? configured.trim() : "planc";
}

function createClient() {
  const run = { command: plancCommand(), args: ["lsp"], transport: TransportKind.stdio };
  return new LanguageClient(
    "planc",
    "Plan (planc)",
    { run, debug: run },
    {
      documentSelector: [{ language: "plan" }],
      synchronize: {
        // Included files that are not open still change the plan.
        fileEvents: vscode.workspace.createFileSystemWatcher("**/*.plan"),
      },
    },
  );
}

async function start() {
  client = createClient();
  try {
    await client.start();
  } catch (error) {
    const message = `Could not start \`${plancCommand()} lsp\`: ${error.message}. ` +
      "Install planc or set `planc.path` to the planc program.";
    vscode.window.showErrorMessage(message, "Open settings").then((choice) => {
      if (choice === "Open settings") {
        vscode.commands.executeCommand("workbench.action.openSettings", "planc.path");
      }
    });
  }
}

async function stop() {
  if (client === undefined) {
    return;
  }
  const running = client;
  client = undefined;
  if (running.isRunning()) {
    await running.stop();
  }
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("planc.restartServer", async () => {
      await stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      // A new `planc` program means a new server.
      if (event.affectsConfiguration("planc.path")) {
        await stop();
        await start();
      }
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
