-- Run by tests/neovim.rs after an init.lua taken from docs/editors.md, on
-- a plan with an error: waits until planc lsp has attached and published
-- the error, then writes what Neovim has to $PLANC_NVIM_OUT as JSON.
local TIMEOUT = 20000
local get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients

local function error_count()
  return #vim.diagnostic.get(0, { severity = vim.diagnostic.severity.ERROR })
end

vim.wait(TIMEOUT, function() return error_count() > 0 end, 20)

local names = {}
for _, client in ipairs(get_clients({ bufnr = 0 })) do
  table.insert(names, client.name)
end
local hints = false
if vim.lsp.inlay_hint and vim.lsp.inlay_hint.is_enabled then
  hints = vim.lsp.inlay_hint.is_enabled({ bufnr = 0 })
end

local file = assert(io.open(os.getenv("PLANC_NVIM_OUT"), "w"))
file:write(vim.fn.json_encode({
  filetype = vim.bo.filetype,
  clients = names,
  errors = error_count(),
  inlay_hints = hints,
}))
file:close()
vim.cmd("qall!")
