-- dubstage — REAPER action (Actions → Show action list → New action → Load ReaScript, pick this file;
-- dubstage-core.lua must sit beside it). Asks which job to run (handoff, premix or qc on the render
-- folder), runs dubstage on the saved project and marks every finding and problem on the timeline.
-- Settings persist in REAPER's ext state "dubstage": path (the dubstage command; default `dubstage`
-- on the PATH) and spec (default netflix).
local here = debug.getinfo(1, 'S').source:match('^@(.*[/\\])') or ''
local core = dofile(here .. 'dubstage-core.lua')

local saved_path = reaper.GetExtState('dubstage', 'path')
local saved_spec = reaper.GetExtState('dubstage', 'spec')
local ok, answer = reaper.GetUserInputs('dubstage', 3, 'Job (handoff/premix/qc),dubstage command,Spec', string.format('handoff,%s,%s', saved_path ~= '' and saved_path or 'dubstage', saved_spec ~= '' and saved_spec or 'netflix'))
if not ok then return end
local job, path, spec = answer:match('^([^,]*),([^,]*),([^,]*)$')
if job ~= 'handoff' and job ~= 'premix' and job ~= 'qc' then
  reaper.ShowMessageBox("Job must be handoff, premix or qc (got '" .. tostring(job) .. "').", 'dubstage', 0)
  return
end
reaper.SetExtState('dubstage', 'path', path, true)
reaper.SetExtState('dubstage', 'spec', spec, true)
core.run(reaper, { job = job, settings = { path = path, spec = spec } })
