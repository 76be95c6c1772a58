-- A session in headless Neovim with its built-in LSP client against
-- `planc lsp`, driven by tests/neovim.rs. It reads what to do from the JSON
-- file named by $PLANC_NVIM_SCRIPT (positions are 0-based lines and
-- columns), does it as an editor would, and writes what Neovim received to
-- the JSON file named by $PLANC_NVIM_OUT. Works on Neovim 0.7 (Debian 12)
-- and later: `vim.lsp.start` (0.8+) when there is one, else
-- `vim.lsp.start_client` and `vim.lsp.buf_attach_client`.

local function read_file(path)
  local file = assert(io.open(path, "r"))
  local text = file:read("*a")
  file:close()
  return text
end

local function write_file(path, text)
  local file = assert(io.open(path, "w"))
  file:write(text)
  file:close()
end

local script = vim.fn.json_decode(read_file(os.getenv("PLANC_NVIM_SCRIPT")))
local out_path = os.getenv("PLANC_NVIM_OUT")
local TIMEOUT = script.timeout_ms or 20000
local version = vim.version()
local results = {
  nvim = string.format("%d.%d.%d", version.major, version.minor, version.patch),
  has_lsp_start = vim.lsp.start ~= nil, published = {} }

-- Every publishDiagnostics Neovim receives, as received, then handed to
-- Neovim's own handler.
local default_publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, params, ctx, config)
  table.insert(results.published, {
    uri = params.uri,
    version = params.version,
    count = #params.diagnostics,
    diagnostics = params.diagnostics,
  })
  return default_publish(err, params, ctx, config)
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n") .. "\n"
end

--- Starts `planc lsp` for the current buffer; returns the client.
local function start_client(bufnr)
  local config = {
    name = "planc",
    cmd = { script.planc, "lsp" },
    root_dir = script.root,
  }
  local id
  if vim.lsp.start then
    id = vim.lsp.start(config, { bufnr = bufnr })
  else
    id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(bufnr, id)
  end
  assert(id, "the client did not start")
  local ok = vim.wait(TIMEOUT, function()
    local client = vim.lsp.get_client_by_id(id)
    return client ~= nil and client.initialized == true
  end, 20)
  assert(ok, "planc lsp did not answer initialize")
  return vim.lsp.get_client_by_id(id)
end

--- One request through Neovim's client; its result, or an error.
local function request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT)
  assert(responses, method .. ": " .. tostring(err))
  for _, response in pairs(responses) do
    assert(response.err == nil, method .. ": " .. vim.inspect(response.err))
    return response.result
  end
  error(method .. ": no response")
end

local function position_params(bufnr, at)
  return {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = at.line, character = at.character },
  }
end

--- Waits for a publishDiagnostics for `uri` after the `seen`-th one that
--- satisfies `wanted`; returns it.
local function wait_for_diagnostics(uri, seen, wanted)
  local found
  local ok = vim.wait(TIMEOUT, function()
    for i = seen + 1, #results.published do
      local published = results.published[i]
      if published.uri == uri and wanted(published) then
        found = published
        return true
      end
    end
    return false
  end, 10)
  assert(ok, "no matching diagnostics arrived for " .. uri)
  return found
end

local function session()
  vim.cmd("edit " .. vim.fn.fnameescape(script.file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = "plan"
  local uri = vim.uri_from_bufnr(bufnr)
  local client = start_client(bufnr)
  results.offset_encoding = client.offset_encoding

  -- The sample as it is: the server checks it on open.
  results.on_open = wait_for_diagnostics(uri, 0, function() return true end)

  -- A typing slip: the edit goes to the server as didChange, and the
  -- error comes back.
  local line = script.error.line
  local original = vim.api.nvim_buf_get_lines(bufnr, line, line + 1, false)
  local seen = #results.published
  vim.api.nvim_buf_set_lines(bufnr, line, line + 1, false, { script.error.text })
  results.with_error = wait_for_diagnostics(uri, seen, function(p) return p.count > 0 end)
  results.buffer_diagnostics = #vim.diagnostic.get(bufnr)

  -- Fixed again: the error goes away.
  seen = #results.published
  vim.api.nvim_buf_set_lines(bufnr, line, line + 1, false, original)
  results.fixed = wait_for_diagnostics(uri, seen, function(p)
    for _, d in ipairs(p.diagnostics) do
      if d.severity == 1 then
        return false
      end
    end
    return true
  end)

  results.hover = request(bufnr, "textDocument/hover", position_params(bufnr, script.hover))
  results.definition =
    request(bufnr, "textDocument/definition", position_params(bufnr, script.definition))
  results.inlay_hints = request(bufnr, "textDocument/inlayHint", {
    textDocument = { uri = uri },
    range = {
      start = { line = 0, character = 0 },
      ["end"] = { line = vim.api.nvim_buf_line_count(bufnr), character = 0 },
    },
  })

  -- Rename, applied by Neovim as it applies any rename.
  local rename = position_params(bufnr, script.rename)
  rename.newName = script.rename.new_name
  local edit = request(bufnr, "textDocument/rename", rename)
  results.rename_edit = edit
  vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding)
  results.after_rename = buffer_text(bufnr)

  -- A badly laid out line, then formatting through the server.
  local messy = script.format.line
  vim.api.nvim_buf_set_lines(bufnr, messy, messy + 1, false, { script.format.text })
  results.before_format = buffer_text(bufnr)
  local edits = request(bufnr, "textDocument/formatting", {
    textDocument = { uri = uri },
    options = { tabSize = 2, insertSpaces = true },
  })
  results.format_edits = #(edits or {})
  vim.lsp.util.apply_text_edits(edits or {}, bufnr, client.offset_encoding)
  results.after_format = buffer_text(bufnr)

  vim.lsp.stop_client(client.id)
end

local ok, err = pcall(session)
if not ok then
  results.error = tostring(err)
end
write_file(out_path, vim.fn.json_encode(results))
vim.cmd(ok and "qall!" or "cquit!")
