// Chorus live visualizer: reads the Server-Sent Events at /ui/feed (documented in docs/visualizer.md) through fetch, so
// the API key can travel in the Authorization header, and draws the ensemble's answers. Plain JS, no dependencies.
'use strict';

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const KEY_STORE = 'chorus-api-key';
  const $ = id => document.getElementById(id);

  const state = {
    key: readKey(),
    sources: [],
    windowSize: 60,
    latencies: new Map(),   // member id -> last windowSize latencies (ms, null where it gave none)
    probabilities: new Map(), // speech: member id -> its last windowSize frame probabilities
    members: [],            // member ids of the ensemble on screen
    kind: '',               // 'classification' or 'speech': which view is on screen
    sourceChosen: false,    // whether the viewer picked a source in this tab
    controller: null,
    retry: null,
  };

  // The key comes from the URL fragment (#key=..., never sent to the server or logged) or from this tab's storage.
  function readKey() {
    const match = /(?:^#|&)key=([^&]*)/.exec(location.hash);
    if (match) {
      const key = decodeURIComponent(match[1]);
      sessionStorage.setItem(KEY_STORE, key);
      history.replaceState(null, '', location.pathname + location.search);
      return key;
    }
    return sessionStorage.getItem(KEY_STORE) || '';
  }

  function headers() {
    return state.key ? { Authorization: 'Bearer ' + state.key } : {};
  }

  function showError(message) {
    const error = $('error');
    error.textContent = message || '';
    error.hidden = !message;
  }

  async function errorText(response) {
    try {
      const body = await response.json();
      return body.error || response.statusText;
    } catch {
      return response.status + ' ' + response.statusText;
    }
  }

  function setConnection(stateName, text) {
    const connection = $('connection');
    connection.dataset.state = stateName;
    connection.textContent = text;
  }

  async function connect() {
    if (state.controller) state.controller.abort();
    clearTimeout(state.retry);
    const controller = new AbortController();
    state.controller = controller;
    setConnection('connecting', 'connecting…');
    try {
      const response = await fetch('/ui/feed', { headers: headers(), signal: controller.signal, cache: 'no-store' });
      if (response.status === 401) {
        askForKey(state.key ? 'that key was refused; try again.' : '');
        setConnection('error', 'needs an API key');
        return;
      }
      if (!response.ok) throw new Error(await errorText(response));
      $('key-form').hidden = true;
      setConnection('live', 'live');
      await readEvents(response.body, controller.signal);
      if (!controller.signal.aborted) throw new Error('the feed ended (server stopping?)');
    } catch (e) {
      if (controller.signal.aborted) return;
      setConnection('error', 'disconnected: ' + e.message + ' — retrying');
      state.retry = setTimeout(connect, 2000);
    }
  }

  // Server-Sent Events framing: "event:" and "data:" lines, a blank line ends an event, ':' lines are comments.
  async function readEvents(body, signal) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        const data = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') name = text;
          else if (field === 'data') data.push(text);
        }
        if (data.length) handle(name, JSON.parse(data.join('\n')));
      }
    }
  }

  function handle(name, event) {
    showStatus(event.status);
    if (name === 'snapshot') {
      state.sources = event.sources;
      state.windowSize = event.windowSize;
      fillSources();
      // A tab that joins a running replay shows that source (and its rate unit) unless the viewer picked another.
      if (event.status.source && !state.sourceChosen && state.sources.some(s => s.name === event.status.source)) {
        $('source').value = event.status.source;
        showRateUnit();
      }
      state.latencies = new Map(Object.entries(event.latencies));
      state.probabilities = new Map(Object.entries(event.probabilities || {}));
      const source = state.sources.find(s => s.name === (event.sample ? event.sample.source : event.status.source)) || state.sources[0];
      if (source) buildMembers(source.members, source.labels, source.kind || 'classification');
      if (event.sample) showAny(event.sample, false);
      if (!state.sources.length) showError('No replay source is configured: start the server with --replay digits=tests/data/digits/test.csv (docs/visualizer.md).');
    } else if (name === 'status' && event.status.reason === 'started') {
      // A new replay starts its sparklines afresh, as the server's windows do.
      for (const id of state.latencies.keys()) state.latencies.set(id, []);
      state.probabilities = new Map();
      const source = state.sources.find(s => s.name === event.status.source);
      if (source) buildMembers(source.members, source.labels, source.kind || 'classification');
    } else if (name === 'sample') {
      showAny(event.sample, true);
    }
  }

  function showAny(sample, live) {
    if (sample.kind === 'speech') showSpeech(sample, live);
    else showSample(sample, live);
  }

  function showStatus(status) {
    const element = $('status');
    element.dataset.running = String(status.running);
    element.textContent = status.running
      ? `replaying ${status.source} at ${status.rate}/s`
      : (status.reason === 'stopped' ? 'stopped' : `stopped (${status.reason})`);
  }

  function fillSources() {
    const select = $('source');
    const current = select.value;
    select.replaceChildren(...state.sources.map(s => {
      const option = document.createElement('option');
      option.value = s.name;
      option.textContent = s.kind === 'speech'
        ? `${s.name} (${s.samples} files → speech ensemble ${s.ensemble}, ${s.strategy})`
        : `${s.name} (${s.samples} samples → ensemble ${s.ensemble}, ${s.strategy})`;
      return option;
    }));
    if (current) select.value = current;
    showRateUnit();
  }

  // A speech replay's rate counts 0.25 s chunks, so 4/s is real time.
  function showRateUnit() {
    const source = state.sources.find(s => s.name === $('source').value);
    $('rate-unit').textContent = source && source.kind === 'speech' ? 'chunks/s (0.25 s each; 4 = real time)' : 'samples/s';
  }

  function buildMembers(ids, labels, kind) {
    kind = kind || 'classification';
    if (kind === state.kind && ids.join() === state.members.join() && $('fused-scores').childElementCount === labels.length) return;
    state.kind = kind;
    state.members = ids.slice();
    $('decision-panel').hidden = kind === 'speech';
    $('speech-panel').hidden = kind !== 'speech';
    $('fused-scores').replaceChildren(...labels.map(scoreRow));
    if (kind === 'speech') {
      $('members').replaceChildren(...ids.map(speechCard));
      return;
    }
    $('members').replaceChildren(...ids.map(id => {
      const card = document.createElement('article');
      card.className = 'member';
      card.id = 'member-' + id;
      card.dataset.member = id;
      card.dataset.state = 'waiting';
      card.innerHTML = '<h2><span class="member-name"></span><span class="member-top"></span></h2>' +
        '<div class="scores member-scores"></div>' +
        '<p class="member-error" hidden></p>' +
        '<div class="latency"><svg class="sparkline" viewBox="0 0 160 32" preserveAspectRatio="none" data-points="0"><path d=""></path></svg>' +
        '<span class="member-latency">–</span></div>';
      card.querySelector('.member-name').textContent = id;
      card.querySelector('.member-scores').replaceChildren(...labels.map(scoreRow));
      if (!state.latencies.has(id)) state.latencies.set(id, []);
      drawSparkline(card, state.latencies.get(id));
      return card;
    }));
  }

  // A speech member: its probability for the latest chunk, its last frame probabilities and its compute latencies.
  function speechCard(id) {
    const card = document.createElement('article');
    card.className = 'member speech';
    card.id = 'member-' + id;
    card.dataset.member = id;
    card.dataset.state = 'waiting';
    card.innerHTML = '<h2><span class="member-name"></span><span class="member-top"></span></h2>' +
      '<div class="probability"><span class="track"><span class="bar" style="width:0"></span></span><span class="member-probability">–</span></div>' +
      '<p class="member-error" hidden></p>' +
      '<div class="latency"><svg class="sparkline latencies" viewBox="0 0 160 32" preserveAspectRatio="none" data-points="0"><path d=""></path></svg>' +
      '<span class="member-latency">–</span></div>' +
      '<div class="latency"><svg class="sparkline probabilities" viewBox="0 0 160 32" preserveAspectRatio="none" data-points="0"><path d=""></path></svg>' +
      '<span class="caption">probability, last frames</span></div>';
    card.querySelector('.member-name').textContent = id;
    if (!state.latencies.has(id)) state.latencies.set(id, []);
    if (!state.probabilities.has(id)) state.probabilities.set(id, []);
    drawLine(card.querySelector('.sparkline.latencies'), state.latencies.get(id), null, 'latencies', 'ms');
    drawLine(card.querySelector('.sparkline.probabilities'), state.probabilities.get(id), 1, 'frame probabilities', '');
    return card;
  }

  function percent(value) {
    return (value * 100).toFixed(1) + ' %';
  }

  function showSpeech(sample, live) {
    buildMembers(sample.members.map(m => m.id), ['non-speech', 'speech'], 'speech');
    $('speech-panel').dataset.file = sample.file;
    $('speech-panel').dataset.chunk = String(sample.chunk);
    $('speech-file').textContent = `${sample.file} (file ${sample.row + 1})`;
    $('speech-condition').textContent = sample.condition;
    $('speech-time').textContent = `${sample.startSeconds.toFixed(2)}–${sample.endSeconds.toFixed(2)} s of ${sample.fileSeconds.toFixed(2)} s`;
    const probability = $('speech-probability');
    probability.dataset.value = sample.probability == null ? '' : String(sample.probability);
    probability.textContent = sample.probability == null ? '–' : sample.probability.toFixed(3) + ` (threshold ${sample.threshold})`;
    const decision = $('speech-decision');
    decision.textContent = sample.decision ?? 'no answer';
    decision.dataset.correct = String(sample.correct);
    $('speech-truth').textContent = sample.trueLabel ?? '–';
    const agreement = $('speech-agreement');
    agreement.dataset.agreeing = String(sample.agreeing);
    agreement.dataset.answering = String(sample.answering);
    agreement.textContent = sample.decision == null ? '–' : `${sample.agreeing}/${sample.answering} members agree`;
    const totals = sample.totals;
    $('speech-accuracy').textContent = percent(totals.accuracy);
    $('speech-frames-seen').textContent = String(totals.frames);
    $('speech-f1').textContent = totals.f1.toFixed(3);
    $('speech-precision').textContent = totals.precision.toFixed(3);
    $('speech-recall').textContent = totals.recall.toFixed(3);
    $('speech-files').textContent = String(totals.files);
    $('speech-strip').replaceChildren(...sample.frames.map(frame => {
      const cell = document.createElement('span');
      cell.className = 'frame';
      cell.dataset.speech = String(frame.speech);
      cell.dataset.truth = String(frame.truth);
      cell.dataset.probability = String(frame.probability);
      cell.title = `${frame.start.toFixed(3)} s: p = ${frame.probability.toFixed(3)}, ${frame.speech ? 'speech' : 'non-speech'}; label ${frame.truth ? 'speech' : 'non-speech'}`;
      cell.innerHTML = '<span class="p"></span><span class="d"></span><span class="t"></span>';
      cell.querySelector('.p').style.height = (Math.max(0, Math.min(1, frame.probability)) * 52).toFixed(1) + 'px';
      return cell;
    }));
    showError(sample.error ? 'The ensemble could not answer: ' + sample.error : '');
    const left = sample.members.filter(m => m.error);
    const degraded = $('speech-degraded');
    degraded.hidden = left.length === 0;
    degraded.textContent = left.length ? 'Degraded: ' + left.map(m => `${m.id} failed (${m.error})`).join('; ') : '';

    for (const member of sample.members) {
      const card = document.querySelector(`.member[data-member="${CSS.escape(member.id)}"]`);
      if (!card) continue;
      const latencies = state.latencies.get(member.id) || [];
      const probabilities = state.probabilities.get(member.id) || [];
      if (live) {
        latencies.push(member.error == null ? member.latencyMs : null);
        while (latencies.length > state.windowSize) latencies.shift();
        state.latencies.set(member.id, latencies);
        probabilities.push(...member.frames);
        while (probabilities.length > state.windowSize) probabilities.shift();
        state.probabilities.set(member.id, probabilities);
      }
      const isDegraded = member.error != null;
      const agrees = !isDegraded && member.decision != null && member.decision === sample.decision;
      card.classList.toggle('degraded', isDegraded);
      card.classList.toggle('agrees', agrees);
      card.classList.toggle('dissents', !isDegraded && !agrees);
      card.dataset.state = isDegraded ? 'degraded' : 'ok';
      card.querySelector('.member-top').textContent = member.decision == null ? '' : 'says ' + member.decision;
      const error = card.querySelector('.member-error');
      error.hidden = !isDegraded;
      error.textContent = isDegraded ? member.error : '';
      const value = member.probability;
      card.dataset.probability = value == null ? '' : String(value);
      card.querySelector('.member-probability').textContent = value == null ? '–' : value.toFixed(3);
      card.querySelector('.probability .bar').style.width = value == null ? '0' : (Math.max(0, Math.min(1, value)) * 100).toFixed(1) + '%';
      card.querySelector('.member-latency').textContent = isDegraded ? 'failed' : member.latencyMs.toFixed(2) + ' ms';
      drawLine(card.querySelector('.sparkline.latencies'), latencies, null, 'latencies', 'ms');
      drawLine(card.querySelector('.sparkline.probabilities'), probabilities, 1, 'frame probabilities', '');
    }
  }

  function scoreRow(label) {
    const row = document.createElement('div');
    row.className = 'score';
    row.dataset.label = label;
    row.innerHTML = '<span class="label"></span><span class="track"><span class="bar" style="width:0"></span></span><span class="value">–</span>';
    row.querySelector('.label').textContent = label;
    return row;
  }

  function fillScores(container, labels, scores, top, truth) {
    labels.forEach((label, i) => {
      const row = container.querySelector(`.score[data-label="${CSS.escape(label)}"]`);
      if (!row) return;
      const value = scores ? scores[i] : null;
      row.dataset.value = value == null ? '' : String(value);
      row.querySelector('.value').textContent = value == null ? '–' : value.toFixed(3);
      row.querySelector('.bar').style.width = value == null ? '0' : (Math.max(0, Math.min(1, value)) * 100).toFixed(1) + '%';
      row.classList.toggle('top', label === top);
      row.classList.toggle('truth', label === truth);
    });
  }

  function showSample(sample, live) {
    buildMembers(sample.members.map(m => m.id), sample.labels);
    $('source-name').textContent = sample.source;
    $('row').textContent = String(sample.row);
    $('true-label').textContent = sample.trueLabel;
    const decision = $('decision');
    decision.textContent = sample.decision ?? 'no answer';
    decision.dataset.correct = String(sample.correct);
    decision.title = sample.correct ? 'matches the true label' : 'differs from the true label';
    const agreement = $('agreement');
    agreement.dataset.agreeing = String(sample.agreeing);
    agreement.dataset.answering = String(sample.answering);
    agreement.textContent = sample.decision == null ? '–' : `${sample.agreeing}/${sample.answering} members agree`;
    $('strategy').textContent = sample.strategy;
    const totals = sample.totals;
    $('accuracy').textContent = (totals.accuracy * 100).toFixed(1) + ' %';
    $('seen').textContent = String(totals.seen);
    $('disagreement-rate').textContent = (totals.disagreementRate * 100).toFixed(1) + ' %';
    $('failures').textContent = String(totals.failures);
    fillScores($('fused-scores'), sample.labels, sample.scores, sample.decision, sample.trueLabel);
    drawImage(sample.image);
    showError(sample.error ? 'The ensemble could not answer: ' + sample.error : '');

    const left = sample.members.filter(m => m.error);
    const degraded = $('degraded');
    degraded.hidden = left.length === 0;
    degraded.textContent = left.length ? 'Degraded: ' + left.map(m => `${m.id} left out (${m.error})`).join('; ') : '';

    for (const member of sample.members) {
      const card = document.querySelector(`.member[data-member="${CSS.escape(member.id)}"]`);
      if (!card) continue;
      const window = state.latencies.get(member.id) || [];
      if (live) {
        window.push(member.scores ? member.latencyMs : null);
        while (window.length > state.windowSize) window.shift();
        state.latencies.set(member.id, window);
      }
      const isDegraded = member.error != null;
      card.classList.toggle('degraded', isDegraded);
      card.classList.toggle('agrees', !isDegraded && member.top === sample.decision);
      card.classList.toggle('dissents', !isDegraded && member.top !== sample.decision);
      card.dataset.state = isDegraded ? 'degraded' : 'ok';
      card.querySelector('.member-top').textContent = member.top == null ? '' : 'says ' + member.top;
      const error = card.querySelector('.member-error');
      error.hidden = !isDegraded;
      error.textContent = isDegraded ? member.error : '';
      fillScores(card.querySelector('.member-scores'), sample.labels, member.scores, member.top, sample.trueLabel);
      card.querySelector('.member-latency').textContent = member.scores ? member.latencyMs.toFixed(2) + ' ms' : 'no answer';
      drawSparkline(card, window);
    }
  }

  // The member's last latencies as a line scaled to the window's largest; gaps where it gave no scores.
  function drawSparkline(card, values) {
    drawLine(card.querySelector('.sparkline'), values, null, 'latencies', 'ms');
  }

  // Values as a line scaled to fixedMax, or to the largest value when fixedMax is null; gaps at nulls.
  function drawLine(svg, values, fixedMax, what, unit) {
    const finite = values.filter(v => v != null);
    const max = fixedMax ?? Math.max(1e-9, ...finite);
    const step = 160 / Math.max(1, state.windowSize - 1);
    let d = '';
    let pen = false;
    values.forEach((v, i) => {
      if (v == null) { pen = false; return; }
      const x = (i * step).toFixed(1);
      const y = (30 - (v / max) * 28).toFixed(1);
      d += (pen ? 'L' : 'M') + x + ' ' + y + ' ';
      pen = true;
    });
    svg.querySelector('path').setAttribute('d', d.trim());
    svg.dataset.points = String(finite.length);
    svg.setAttribute('aria-label', finite.length
      ? `last ${finite.length} ${what}: ${Math.min(...finite).toFixed(2)} to ${Math.max(...finite).toFixed(2)}${unit ? ' ' + unit : ''}`
      : `no ${what} yet`);
  }

  function drawImage(image) {
    const canvas = $('sample-image');
    const context = canvas.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    if (!image) return;
    const w = canvas.width / image.width, h = canvas.height / image.height;
    image.pixels.forEach((p, i) => {
      const shade = Math.round(255 * (1 - Math.max(0, Math.min(1, p / (image.max || 1)))));
      context.fillStyle = `rgb(${shade},${shade},${shade})`;
      context.fillRect((i % image.width) * w, Math.floor(i / image.width) * h, Math.ceil(w), Math.ceil(h));
    });
  }

  async function control(path) {
    try {
      const response = await fetch(path, { method: 'POST', headers: headers() });
      if (response.status === 401) { askForKey(''); return; }
      if (!response.ok) { showError(await errorText(response)); return; }
      showError('');
      showStatus(await response.json());
    } catch (e) {
      showError('could not reach the server: ' + e.message);
    }
  }

  function start() {
    const query = new URLSearchParams({ rate: $('rate').value });
    if ($('source').value) query.set('source', $('source').value);
    return control('/ui/replay/start?' + query);
  }

  function askForKey(message) {
    $('key-form').hidden = false;
    $('key-message').textContent = message;
    $('api-key').focus();
  }

  $('start').addEventListener('click', start);
  $('source').addEventListener('change', () => { state.sourceChosen = true; showRateUnit(); });
  $('stop').addEventListener('click', () => control('/ui/replay/stop'));
  $('rate').addEventListener('change', () => { if ($('status').dataset.running === 'true') start(); });
  $('key-form').addEventListener('submit', e => {
    e.preventDefault();
    state.key = $('api-key').value;
    sessionStorage.setItem(KEY_STORE, state.key);
    connect();
  });
  connect();
})();
