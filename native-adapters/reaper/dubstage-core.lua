-- dubstage inside REAPER: the logic of the ReaScript (dubstage.lua is the action REAPER loads).
-- Everything REAPER-specific comes in through the `reaper` table given to run(), so the test suite runs
-- this file in a real Lua VM against a fake table that records the calls.
--
-- It saves the project, runs `dubstage handoff|premix|qc ... --json` on it through reaper.ExecProcess,
-- reads the JSON, and puts every problem and finding on the timeline: a region where it has a time range,
-- a marker where it has one time, converting timecode to project time with the project's frame rate
-- and start offset. A summary goes to the console.

local M = {}

-- JSON (the subset dubstage writes: objects, arrays, strings with escapes, numbers, true/false/null).
local function decode_json(text)
  local pos = 1
  local function fail(what) error(string.format('dubstage output is not JSON (%s at character %d)', what, pos), 0) end
  local function skip() pos = text:find('[^ \t\r\n]', pos) or (#text + 1) end
  local value
  local function str()
    pos = pos + 1
    local out = {}
    while true do
      local c = text:sub(pos, pos)
      if c == '' then fail('unterminated string') end
      if c == '"' then pos = pos + 1; return table.concat(out) end
      if c == '\\' then
        local e = text:sub(pos + 1, pos + 1)
        local map = { ['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = '\b', f = '\f', n = '\n', r = '\r', t = '\t' }
        if map[e] then out[#out + 1] = map[e]; pos = pos + 2
        elseif e == 'u' then
          local cp = tonumber(text:sub(pos + 2, pos + 5), 16) or fail('bad \\u escape')
          pos = pos + 6
          if cp >= 0xD800 and cp <= 0xDBFF and text:sub(pos, pos + 1) == '\\u' then
            local lo = tonumber(text:sub(pos + 2, pos + 5), 16) or fail('bad \\u escape')
            cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00)
            pos = pos + 6
          end
          out[#out + 1] = utf8.char(cp)
        else fail('bad escape') end
      else
        out[#out + 1] = c; pos = pos + 1
      end
    end
  end
  function value()
    skip()
    local c = text:sub(pos, pos)
    if c == '{' then
      pos = pos + 1
      local obj = {}
      skip()
      if text:sub(pos, pos) == '}' then pos = pos + 1; return obj end
      while true do
        skip()
        if text:sub(pos, pos) ~= '"' then fail('expected a key') end
        local k = str()
        skip()
        if text:sub(pos, pos) ~= ':' then fail("expected ':'") end
        pos = pos + 1
        obj[k] = value()
        skip()
        local d = text:sub(pos, pos)
        pos = pos + 1
        if d == '}' then return obj end
        if d ~= ',' then fail("expected ',' or '}'") end
      end
    elseif c == '[' then
      pos = pos + 1
      local arr = {}
      skip()
      if text:sub(pos, pos) == ']' then pos = pos + 1; return arr end
      while true do
        arr[#arr + 1] = value()
        skip()
        local d = text:sub(pos, pos)
        pos = pos + 1
        if d == ']' then return arr end
        if d ~= ',' then fail("expected ',' or ']'") end
      end
    elseif c == '"' then return str()
    elseif text:sub(pos, pos + 3) == 'true' then pos = pos + 4; return true
    elseif text:sub(pos, pos + 4) == 'false' then pos = pos + 5; return false
    elseif text:sub(pos, pos + 3) == 'null' then pos = pos + 4; return nil
    else
      local num = text:match('^-?%d+%.?%d*[eE]?[-+]?%d*', pos)
      if not num or num == '' then fail('unexpected character') end
      pos = pos + #num
      return tonumber(num)
    end
  end
  local result = value()
  return result
end
M.decode_json = decode_json

-- "HH:MM:SS:FF" (or ";FF" drop frame) at `fps` to seconds on the timecode clock.
function M.timecode_seconds(tc, fps, drop)
  local h, m, s, sep, f = tc:match('^(%d+):(%d+):(%d+)([:;.])(%d+)$')
  if not h then return nil end
  h, m, s, f = tonumber(h), tonumber(m), tonumber(s), tonumber(f)
  local nominal = math.floor(fps + 0.5)
  drop = drop or sep == ';'
  if drop and (nominal == 30 or nominal == 60) then
    -- SMPTE drop frame: frame numbers 0 and 1 (0-3 at 60) skipped each minute except every tenth
    local dropped = nominal == 30 and 2 or 4
    local minutes = 60 * h + m
    local frames = ((3600 * h + 60 * m + s) * nominal + f) - dropped * (minutes - math.floor(minutes / 10))
    return frames * 1001 / (nominal * 1000)
  end
  return 3600 * h + 60 * m + s + f / fps
end

local function shell_quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

-- The command line for the chosen job on the saved project (or its render folder for qc).
function M.command_line(settings, job, project_file, render_dir)
  local exe = settings.path ~= nil and settings.path ~= '' and settings.path or 'dubstage'
  local parts = { shell_quote(exe) }
  if job == 'qc' then
    parts[#parts + 1] = 'qc'
    parts[#parts + 1] = shell_quote(render_dir)
    parts[#parts + 1] = '--spec'
    parts[#parts + 1] = shell_quote(settings.spec or 'netflix')
  else
    parts[#parts + 1] = job
    parts[#parts + 1] = shell_quote(project_file)
    if job == 'handoff' and settings.spec and settings.spec ~= '' then
      parts[#parts + 1] = '--spec'
      parts[#parts + 1] = shell_quote(settings.spec)
    end
  end
  parts[#parts + 1] = '--json'
  return table.concat(parts, ' ')
end

-- Every item to put on the timeline: qc findings, handoff problems, premix scenes out of line.
local function timeline_items(doc)
  local items = {}
  local function add(label, severity, start_tc, end_tc)
    -- kept without a time too (a track over full scale): the console names what could not be placed
    items[#items + 1] = { label = label, severity = severity, start_tc = start_tc, end_tc = end_tc }
  end
  for _, f in ipairs(doc.findings or {}) do
    add(string.format('[%s] %s: %s', f.severity or '?', f.rule or '?', f.message or ''), f.severity, f.startTimecode, f.endTimecode)
  end
  for _, d in ipairs(doc.deliveries or {}) do
    for _, f in ipairs(d.findings or {}) do
      add(string.format('[%s] %s: %s', f.severity or '?', f.rule or '?', f.message or ''), f.severity, f.startTimecode, f.endTimecode)
    end
  end
  for _, p in ipairs(doc.problems or {}) do
    add(string.format('[%s] %s: %s', p.severity or '?', p.code or '?', p.message or ''), p.severity, p.startTimecode, p.endTimecode)
  end
  -- premix has no problems list: its scenes out of line are marked here; handoff already lists them
  -- as scene/dialogue-inconsistent problems
  for _, s in ipairs(doc.problems == nil and doc.scenes or {}) do
    if type(s.deviationLu) == 'number' and math.abs(s.deviationLu) > 3 then
      add(string.format('[warning] scene %s: dialogue %+.1f LU from the median', s.name or '?', s.deviationLu), 'warning', s.startTimecode, s.endTimecode)
    end
  end
  return items
end

local COLORS = { error = 0x10000FF, warning = 0x100A0FF, info = 0x1FF8000 }

-- Run the chosen job and mark the results. `opts`: { job = 'qc'|'handoff'|'premix', settings = {...} }
-- (from the dialog or a separate action). Returns a summary table (also printed to the console).
function M.run(reaper, opts)
  local settings = opts.settings or {}
  local job = opts.job or 'handoff'
  local console = function(s) reaper.ShowConsoleMsg(s .. '\n') end
  reaper.Main_SaveProject(0, false)
  local _, project_file = reaper.EnumProjects(-1, '')
  if not project_file or project_file == '' then
    reaper.ShowMessageBox('Save the project first: dubstage reads the project file.', 'dubstage', 0)
    return { ok = false, reason = 'unsaved' }
  end
  local render_dir = settings.render_dir
  if job == 'qc' and (not render_dir or render_dir == '') then
    local _, dir = reaper.GetSetProjectInfo_String(0, 'RENDER_FILE', '', false)
    render_dir = dir ~= '' and dir or reaper.GetProjectPath('')
  end
  local cmd = M.command_line(settings, job, project_file, render_dir)
  local out = reaper.ExecProcess(cmd, settings.timeout_ms or 600000)
  if not out then
    reaper.ShowMessageBox('dubstage did not run (timed out or could not start).\n\n' .. cmd, 'dubstage', 0)
    return { ok = false, reason = 'no-output', command = cmd }
  end
  local code, body = out:match('^(%-?%d+)\r?\n(.*)$')
  code = tonumber(code)
  if code == nil then code, body = -1, out end
  if code ~= 0 and code ~= 1 then
    -- 2: unreadable input or a usage error; anything else: dubstage not found (127 from the shell) or crashed
    local why = code == 127 and ('dubstage was not found. Put it on the PATH or set its path in the script settings.\n\n' .. cmd)
      or string.format('dubstage stopped with exit code %d:\n\n%s', code, (body or ''):sub(1, 2000))
    reaper.ShowMessageBox(why, 'dubstage', 0)
    return { ok = false, reason = code == 127 and 'not-found' or 'failed', code = code, command = cmd }
  end
  local ok, doc = pcall(decode_json, body or '')
  if not ok or type(doc) ~= 'table' then
    reaper.ShowMessageBox('dubstage gave no JSON:\n\n' .. tostring(doc), 'dubstage', 0)
    return { ok = false, reason = 'bad-output', command = cmd }
  end
  local fps, drop = reaper.TimeMap_curFrameRate(0)
  local offset = reaper.GetProjectTimeOffset(0, false)
  local placed = 0
  local skipped = 0
  local untimed = {}
  for _, item in ipairs(timeline_items(doc)) do
    local from = item.start_tc and M.timecode_seconds(item.start_tc, fps, drop)
    local to = item.end_tc and M.timecode_seconds(item.end_tc, fps, drop) or nil
    if from then
      local pos = from - offset
      local is_region = to ~= nil and to > from
      reaper.AddProjectMarker2(0, is_region, pos, is_region and (to - offset) or 0, item.label, -1, COLORS[item.severity] or 0)
      placed = placed + 1
    else
      skipped = skipped + 1
      untimed[#untimed + 1] = item.label
    end
  end
  local verdict = doc.verdict or '?'
  console(string.format('dubstage %s: %s, %d marker%s placed%s', job, verdict, placed, placed == 1 and '' or 's', skipped > 0 and string.format(' (%d without a time)', skipped) or ''))
  for _, label in ipairs(untimed) do console('  no time: ' .. label) end
  reaper.UpdateArrange()
  return { ok = true, verdict = verdict, placed = placed, command = cmd }
end

return M
