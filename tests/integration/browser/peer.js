// peer.js — the browser side of test-browser-interop.sh (see peer.html).
//
// Query string: ws (Prosody's XMPP-over-WebSocket URL), jid (full JID),
// pass, mode=call&to=JID&duration=S or mode=answer (to a bare JID the call
// starts with a XEP-0353 <propose/>, as Conversations and Movim do; the
// session-initiate goes to the device that proceeds), dtmf (digits to
// send once connected, through RTCDTMFSender: RFC 4733 telephone-event),
// video=1 (the fake camera too, and count the frames decoded), restart=S
// (restart ICE S seconds after connecting, XEP-0176: a transport-info with
// new credentials), timeout (s).
//
// The translation is the one the WebRTC XMPP clients do: one content per
// m-line (name = mid), rtpmap/fmtp/rtcp-fb <-> payload-type (XEP-0167,
// XEP-0293), extmap <-> rtp-hdrext (XEP-0294), ssrc <-> source (XEP-0339),
// ice-ufrag/pwd and candidates <-> the ICE-UDP transport (XEP-0176,
// trickled as transport-info), fingerprint + setup <-> XEP-0320, group
// BUNDLE <-> XEP-0338, rtcp-mux.
//
// Console lines (the test reads them): "PEER state ...", "PEER error ...",
// "PEER result connected=B packets=N energy=E peak=HZ ratio=R vframes=N
// vwidth=W vheight=H", and "PEER done"
// last.
'use strict';

const NS = {
  jingle: 'urn:xmpp:jingle:1',
  rtp: 'urn:xmpp:jingle:apps:rtp:1',
  fb: 'urn:xmpp:jingle:apps:rtp:rtcp-fb:0',
  hdrext: 'urn:xmpp:jingle:apps:rtp:rtp-hdrext:0',
  ssma: 'urn:xmpp:jingle:apps:rtp:ssma:0',
  group: 'urn:xmpp:jingle:apps:grouping:0',
  ice: 'urn:xmpp:jingle:transports:ice-udp:1',
  dtls: 'urn:xmpp:jingle:apps:dtls:0',
  jmi: 'urn:xmpp:jingle-message:0',
  hints: 'urn:xmpp:hints',
};

const q = new URLSearchParams(location.search);
const opt = {
  ws: q.get('ws'), jid: q.get('jid'), pass: q.get('pass'),
  mode: q.get('mode') || 'answer', to: q.get('to'),
  duration: Number(q.get('duration') || 4), dtmf: q.get('dtmf') || '',
  timeout: Number(q.get('timeout') || 60), video: q.get('video') === '1',
  restart: Number(q.get('restart') || 0),
};

let conn = null;
let pc = null;
let sid = null;
let peer = null;          // the other side's full JID
let initiator = false;    // we sent session-initiate
let signalled = false;    // our offer/answer went out
let remoteSet = false;    // the remote description is applied
const outCands = [];      // local candidates waiting for `signalled`
const inCands = [];       // remote ones waiting for `remoteSet`
let mids = [];            // content names by m-line index
let remoteJingle = null;  // the peer's session-initiate or session-accept
let remoteUfrag = null;   // the peer's current ICE ufrag
let restarting = false;   // applying the peer's ICE restart
let restarts = 0;         // ICE restarts done (the peer's or ours)
let ownRestart = false;   // ours sent, the peer's new credentials awaited
let connected = false;
let ended = false;
let lastStats = { packets: 0, energy: 0, vframes: 0, vwidth: 0, vheight: 0 };
let analysis = null;      // { peak, ratio } of what we received

function log(line) { console.log('PEER ' + line); }

// ---- SDP -> Jingle ----------------------------------------------------------

function sdpSections(sdp) {
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  const session = [];
  const media = [];
  for (const l of lines) {
    if (l.startsWith('m=')) media.push([l]);
    else if (media.length > 0) media[media.length - 1].push(l);
    else session.push(l);
  }
  return { session, media };
}

function attrs(lines, key) {
  const p = 'a=' + key + ':';
  return lines.filter((l) => l.startsWith(p)).map((l) => l.slice(p.length));
}

function attr(lines, sessionLines, key) {
  const v = attrs(lines, key);
  if (v.length > 0) return v[0];
  const s = attrs(sessionLines, key);
  return s.length > 0 ? s[0] : null;
}

// "candidate:F C P PRIO IP PORT typ T [raddr A rport P] [tcptype X] ..."
function candidateToJingle(b, line, n) {
  const f = line.replace(/^a=/, '').replace(/^candidate:/, '').split(' ');
  if (f.length < 8) return false;
  const c = {
    foundation: f[0], component: f[1], protocol: f[2].toLowerCase(),
    priority: f[3], ip: f[4], port: f[5], type: f[7], generation: '0',
    network: '0', id: 'c' + n,
  };
  for (let i = 8; i + 1 < f.length; i += 2) {
    if (f[i] === 'raddr') c['rel-addr'] = f[i + 1];
    else if (f[i] === 'rport') c['rel-port'] = f[i + 1];
    else if (f[i] === 'generation') c.generation = f[i + 1];
    else if (f[i] === 'network-id') c.network = f[i + 1];
  }
  b.c('candidate', c).up();
  return true;
}

let candCounter = 0;

function contentFromSdp(b, sec, index, senders) {
  const m = sec.media[index];
  const mline = m[0].split(' ');
  const media = mline[0].slice(2);
  const mid = attr(m, [], 'mid') || String(index);
  const creator = initiator ? 'initiator' : 'initiator';
  const dir = ['sendrecv', 'sendonly', 'recvonly', 'inactive']
    .find((d) => m.includes('a=' + d)) || 'sendrecv';
  const sendersOf = initiator
    ? { sendrecv: 'both', sendonly: 'initiator', recvonly: 'responder', inactive: 'none' }
    : { sendrecv: 'both', sendonly: 'responder', recvonly: 'initiator', inactive: 'none' };
  b.c('content', { creator, name: mid, senders: senders || sendersOf[dir] });
  b.c('description', { xmlns: NS.rtp, media });
  for (const pt of mline.slice(3)) {
    const map = attrs(m, 'rtpmap').find((v) => v.split(' ')[0] === pt);
    if (!map) continue;
    const [name, rate, channels] = map.split(' ')[1].split('/');
    const p = { id: pt, name, clockrate: rate };
    if (channels) p.channels = channels;
    b.c('payload-type', p);
    const fmtp = attrs(m, 'fmtp').find((v) => v.split(' ')[0] === pt);
    if (fmtp) {
      for (const kv of fmtp.slice(pt.length + 1).split(';')) {
        const t = kv.trim();
        if (t.length === 0) continue;
        const eq = t.indexOf('=');
        // A parameter without a key (RED's "111/111"): name only.
        if (eq < 0) b.c('parameter', { name: t }).up();
        else b.c('parameter', { name: t.slice(0, eq), value: t.slice(eq + 1) }).up();
      }
    }
    for (const fb of attrs(m, 'rtcp-fb').filter((v) => v.split(' ')[0] === pt)) {
      const w = fb.split(' ');
      const a = { xmlns: NS.fb, type: w[1] };
      if (w[2]) a.subtype = w[2];
      b.c('rtcp-fb', a).up();
    }
    b.up();
  }
  for (const e of attrs(m, 'extmap')) {
    const w = e.split(' ');
    b.c('rtp-hdrext', { xmlns: NS.hdrext, id: w[0].split('/')[0], uri: w[1] }).up();
  }
  if (m.includes('a=rtcp-mux')) b.c('rtcp-mux').up();
  const seen = {};
  for (const s of attrs(m, 'ssrc')) {
    const sp = s.indexOf(' ');
    const ssrc = s.slice(0, sp);
    const kv = s.slice(sp + 1);
    const colon = kv.indexOf(':');
    if (!seen[ssrc]) seen[ssrc] = [];
    seen[ssrc].push(colon < 0 ? [kv, null] : [kv.slice(0, colon), kv.slice(colon + 1)]);
  }
  for (const ssrc of Object.keys(seen)) {
    b.c('source', { xmlns: NS.ssma, ssrc });
    for (const [k, v] of seen[ssrc]) {
      const a = { name: k };
      if (v !== null) a.value = v;
      b.c('parameter', a).up();
    }
    b.up();
  }
  b.up(); // description
  const fp = attr(m, sec.session, 'fingerprint').split(' ');
  b.c('transport', { xmlns: NS.ice, ufrag: attr(m, sec.session, 'ice-ufrag'),
    pwd: attr(m, sec.session, 'ice-pwd') });
  b.c('fingerprint', { xmlns: NS.dtls, hash: fp[0],
    setup: attr(m, sec.session, 'setup') || 'actpass' }).t(fp[1]).up();
  for (const l of m.filter((x) => x.startsWith('a=candidate:'))) {
    candidateToJingle(b, l, candCounter++);
  }
  b.up(); // transport
  b.up(); // content
  return mid;
}

function jingleFromSdp(action, sdp) {
  const sec = sdpSections(sdp);
  const j = { xmlns: NS.jingle, action, sid };
  if (action === 'session-initiate') j.initiator = conn.jid;
  else j.responder = conn.jid;
  const b = $iq({ to: peer, type: 'set' }).c('jingle', j);
  mids = [];
  sec.media.forEach((m, i) => { mids.push(contentFromSdp(b, sec, i)); });
  const group = attrs(sec.session, 'group');
  for (const g of group) {
    const w = g.split(' ');
    b.c('group', { xmlns: NS.group, semantics: w[0] });
    for (const n of w.slice(1)) b.c('content', { name: n }).up();
    b.up();
  }
  return b;
}

// ---- Jingle -> SDP ----------------------------------------------------------

function children(el, name, ns) {
  return Array.from(el.children).filter((c) => c.localName === name
    && (!ns || c.namespaceURI === ns));
}

function child(el, name, ns) { return children(el, name, ns)[0] || null; }

function candidateToSdp(c) {
  let s = 'candidate:' + c.getAttribute('foundation') + ' '
    + c.getAttribute('component') + ' '
    + (c.getAttribute('protocol') || 'udp') + ' ' + c.getAttribute('priority')
    + ' ' + c.getAttribute('ip') + ' ' + c.getAttribute('port') + ' typ '
    + c.getAttribute('type');
  if (c.getAttribute('rel-addr')) {
    s += ' raddr ' + c.getAttribute('rel-addr') + ' rport ' + c.getAttribute('rel-port');
  }
  return s + ' generation ' + (c.getAttribute('generation') || '0');
}

function sdpFromJingle(jingle, isOffer) {
  const out = ['v=0', 'o=- ' + Date.now() + ' 2 IN IP4 0.0.0.0', 's=-', 't=0 0'];
  for (const g of children(jingle, 'group', NS.group)) {
    out.push('a=group:' + g.getAttribute('semantics') + ' '
      + children(g, 'content').map((c) => c.getAttribute('name')).join(' '));
  }
  out.push('a=msid-semantic: WMS *');
  mids = [];
  for (const content of children(jingle, 'content')) {
    const d = child(content, 'description', NS.rtp);
    const t = child(content, 'transport', NS.ice);
    if (!d || !t) continue;
    const pts = children(d, 'payload-type');
    const name = content.getAttribute('name');
    mids.push(name);
    out.push('m=' + d.getAttribute('media') + ' 9 UDP/TLS/RTP/SAVPF '
      + pts.map((p) => p.getAttribute('id')).join(' '));
    out.push('c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0');
    out.push('a=ice-ufrag:' + t.getAttribute('ufrag'), 'a=ice-pwd:' + t.getAttribute('pwd'));
    const fp = child(t, 'fingerprint', NS.dtls);
    if (fp) {
      out.push('a=fingerprint:' + fp.getAttribute('hash') + ' ' + fp.textContent.trim());
      let setup = fp.getAttribute('setup') || 'actpass';
      if (!isOffer && setup === 'actpass') {
        // An answer picks a role: the one the session already has.
        const ours = pc && pc.localDescription
          ? (pc.localDescription.sdp.match(/a=setup:(\w+)/) || [])[1] : null;
        setup = ours === 'active' ? 'passive' : 'active';
      }
      out.push('a=setup:' + setup);
    }
    out.push('a=mid:' + name);
    const senders = content.getAttribute('senders') || 'both';
    const weInitiated = initiator;
    const dirs = {
      both: 'sendrecv', none: 'inactive',
      initiator: weInitiated ? 'recvonly' : 'sendonly',
      responder: weInitiated ? 'sendonly' : 'recvonly',
    };
    out.push('a=' + dirs[senders]);
    if (child(d, 'rtcp-mux')) out.push('a=rtcp-mux');
    for (const e of children(d, 'rtp-hdrext', NS.hdrext)) {
      out.push('a=extmap:' + e.getAttribute('id') + ' ' + e.getAttribute('uri'));
    }
    for (const p of pts) {
      const id = p.getAttribute('id');
      let map = 'a=rtpmap:' + id + ' ' + p.getAttribute('name') + '/' + p.getAttribute('clockrate');
      if (p.getAttribute('channels') && p.getAttribute('channels') !== '1') {
        map += '/' + p.getAttribute('channels');
      }
      out.push(map);
      const params = children(p, 'parameter').map((x) => (x.getAttribute('value') === null
        ? x.getAttribute('name') : x.getAttribute('name') + '=' + x.getAttribute('value')));
      if (params.length > 0) out.push('a=fmtp:' + id + ' ' + params.join(';'));
      for (const fb of children(p, 'rtcp-fb', NS.fb)) {
        out.push('a=rtcp-fb:' + id + ' ' + fb.getAttribute('type')
          + (fb.getAttribute('subtype') ? ' ' + fb.getAttribute('subtype') : ''));
      }
    }
    for (const s of children(d, 'source', NS.ssma)) {
      for (const p of children(s, 'parameter')) {
        out.push('a=ssrc:' + s.getAttribute('ssrc') + ' ' + p.getAttribute('name')
          + (p.getAttribute('value') !== null ? ':' + p.getAttribute('value') : ''));
      }
    }
    for (const c of children(t, 'candidate')) {
      if ((c.getAttribute('protocol') || 'udp').toLowerCase() === 'udp') {
        out.push('a=' + candidateToSdp(c));
      }
    }
  }
  return out.join('\r\n') + '\r\n';
}

// ---- signalling ---------------------------------------------------------------

function sendIq(b, what) {
  conn.sendIQ(b.tree(), () => {}, (e) => {
    log('error ' + what + ' was refused: ' + (e ? Strophe.serialize(e) : 'timeout'));
  }, 10000);
}

function sendCandidate(c) {
  const index = c.sdpMLineIndex || 0;
  const b = $iq({ to: peer, type: 'set' })
    .c('jingle', { xmlns: NS.jingle, action: 'transport-info', sid })
    .c('content', { creator: 'initiator', name: mids[index] || c.sdpMid })
    .c('transport', { xmlns: NS.ice, ufrag: c.usernameFragment || '' });
  if (candidateToJingle(b, c.candidate, candCounter++)) sendIq(b, 'transport-info');
}

function addRemoteCandidates(jingle) {
  for (const content of children(jingle, 'content')) {
    const t = child(content, 'transport', NS.ice);
    if (!t) continue;
    // Late candidates of credentials an ICE restart replaced.
    if (remoteUfrag && t.getAttribute('ufrag') && t.getAttribute('ufrag') !== remoteUfrag) continue;
    const index = Math.max(0, mids.indexOf(content.getAttribute('name')));
    for (const c of children(t, 'candidate')) {
      if ((c.getAttribute('protocol') || 'udp').toLowerCase() !== 'udp') continue;
      const init = { candidate: candidateToSdp(c), sdpMLineIndex: index,
        sdpMid: content.getAttribute('name') };
      if (!remoteSet) inCands.push(init);
      else pc.addIceCandidate(init).catch((e) => log('error addIceCandidate: ' + e));
    }
  }
}

function flushOut() {
  signalled = true;
  for (const c of outCands.splice(0)) sendCandidate(c);
}

async function media() {
  // The file the test gives Chromium as its microphone, as it is: no echo
  // cancellation, noise suppression or gain control on a pure tone.
  return navigator.mediaDevices.getUserMedia({ video: opt.video,
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
}

function newPc() {
  pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  pc.onicecandidate = (ev) => {
    if (!ev.candidate || !ev.candidate.candidate) return;
    if (signalled) sendCandidate(ev.candidate);
    else outCands.push(ev.candidate);
  };
  pc.onconnectionstatechange = () => {
    log('state ' + pc.connectionState);
    if (pc.connectionState === 'connected' && !connected) {
      connected = true;
      if (opt.dtmf) setTimeout(sendDtmf, 500);
      if (opt.restart) {
        setTimeout(() => restartOwn().catch((e) => finish('our ICE restart failed: ' + e)),
          opt.restart * 1000);
      }
      if (initiator) setTimeout(() => hangUp('success'), opt.duration * 1000);
    }
    if (pc.connectionState === 'failed') finish('ICE/DTLS failed');
  };
  pc.ontrack = (ev) => {
    const el = document.getElementById(ev.track.kind === 'audio' ? 'remote' : 'remote-video');
    el.srcObject = new MediaStream([ev.track]);
    el.play().catch(() => {});
    if (ev.track.kind === 'audio') analyse(ev.track);
  };
}

// XEP-0353 to a bare JID: propose; the first device that proceeds gets
// the session-initiate (sid = the propose id).
function propose() {
  sid = 'b' + Math.random().toString(36).slice(2, 12);
  conn.addHandler(onJmi, null, 'message');
  conn.send($msg({ to: opt.to, type: 'chat', id: 'm' + sid })
    .c('propose', { xmlns: NS.jmi, id: sid })
    .c('description', { xmlns: NS.rtp, media: 'audio' }).up().up()
    .c('store', { xmlns: NS.hints }).tree());
  log('state proposed');
}

let jmi = false;           // the call began with our propose

function onJmi(msg) {
  const el = Array.from(msg.children).find((c) => c.namespaceURI === NS.jmi);
  if (!el || el.getAttribute('id') !== sid) return true;
  log('got jmi ' + el.localName);
  if (peer !== null) return true;
  if (el.localName === 'proceed') {
    peer = msg.getAttribute('from');
    jmi = true;
    call().catch((e) => finish('calling failed: ' + e));
  } else if (el.localName === 'reject') {
    finish('the callee rejected the call');
  }
  return true;
}

async function call() {
  initiator = true;
  if (peer === null) peer = opt.to;
  if (sid === null) sid = 'b' + Math.random().toString(36).slice(2, 12);
  newPc();
  const stream = await media();
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  log('offer made');
  conn.sendIQ(jingleFromSdp('session-initiate', pc.localDescription.sdp).tree(),
    () => { log('state initiate acked'); flushOut(); },
    (e) => finish('session-initiate refused: ' + (e ? Strophe.serialize(e) : 'timeout')), 10000);
}

// The peer's session-initiate (an offer) or session-accept (an answer),
// with its candidates and those that came before it.
async function applyRemote(jingle, type) {
  remoteJingle = jingle;
  remoteUfrag = firstUfrag(jingle);
  await pc.setRemoteDescription({ type, sdp: sdpFromJingle(jingle, type === 'offer') });
  remoteSet = true;
  addRemoteCandidates(jingle);
  for (const c of inCands.splice(0)) await pc.addIceCandidate(c);
}

async function onInitiate(jingle) {
  sid = jingle.getAttribute('sid');
  initiator = false;
  newPc();
  await applyRemote(jingle, 'offer');
  const stream = await media();
  for (const track of stream.getTracks()) {
    const tr = pc.getTransceivers().find((x) => x.receiver.track.kind === track.kind
      && !x.sender.track);
    if (tr) {
      await tr.sender.replaceTrack(track);
      tr.direction = 'sendrecv';
    } else {
      pc.addTrack(track, stream);
    }
  }
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  sendIq(jingleFromSdp('session-accept', pc.localDescription.sdp), 'session-accept');
  flushOut();
  log('state accepted');
}

async function onAccept(jingle) {
  await applyRemote(jingle, 'answer');
  log('state answer applied');
}

function onJingle(iq) {
  const jingle = child(iq, 'jingle', NS.jingle);
  const action = jingle.getAttribute('action');
  conn.send($iq({ to: iq.getAttribute('from'), id: iq.getAttribute('id'), type: 'result' }).tree());
  log('got ' + action);
  if (action === 'session-initiate' && sid === null) {
    peer = iq.getAttribute('from');
    onInitiate(jingle).catch((e) => finish('answering failed: ' + e));
  } else if (jingle.getAttribute('sid') !== sid) {
    log('error unknown sid ' + jingle.getAttribute('sid'));
  } else if (action === 'session-accept') {
    onAccept(jingle).catch((e) => finish('applying the answer failed: ' + e));
  } else if (action === 'transport-info') {
    const ufrag = firstUfrag(jingle);
    if (ufrag && remoteUfrag && ufrag !== remoteUfrag && ownRestart && !restarting) {
      restartAnswered(jingle).catch((e) => finish('applying the ICE restart answer failed: ' + e));
    } else if (ufrag && remoteUfrag && ufrag !== remoteUfrag && !restarting) {
      restartIce(jingle).catch((e) => finish('ICE restart failed: ' + e));
    } else if (restarting) {
      pendingInfo.push(jingle);
    } else {
      addRemoteCandidates(jingle);
    }
  } else if (action === 'session-terminate') {
    const r = child(jingle, 'reason');
    finish(null, r && r.firstElementChild ? r.firstElementChild.localName : 'none');
  }
  return true;
}

function firstUfrag(jingle) {
  for (const content of children(jingle, 'content')) {
    const t = child(content, 'transport', NS.ice);
    if (t && t.getAttribute('ufrag')) return t.getAttribute('ufrag');
  }
  return null;
}

// XEP-0176 ICE restart by the peer: a transport-info with a new ufrag/pwd.
// To the browser that is a new offer (the same media, the new
// credentials); its answer's new ufrag/pwd go back in a transport-info,
// its new candidates trickle after it.
const pendingInfo = [];

// The peer's new credentials into the stored description.
function takeCredentials(info) {
  remoteUfrag = firstUfrag(info);
  for (const content of children(info, 'content')) {
    const nt = child(content, 'transport', NS.ice);
    const old = children(remoteJingle, 'content')
      .find((c) => c.getAttribute('name') === content.getAttribute('name'));
    if (!nt || !old) continue;
    const ot = child(old, 'transport', NS.ice);
    ot.setAttribute('ufrag', nt.getAttribute('ufrag'));
    ot.setAttribute('pwd', nt.getAttribute('pwd'));
    for (const c of children(ot, 'candidate')) ot.removeChild(c);
  }
}

// Our new credentials (the local description's) in a transport-info.
function sendCredentials() {
  const sec = sdpSections(pc.localDescription.sdp);
  const m = sec.media[0];
  const fp = attr(m, sec.session, 'fingerprint').split(' ');
  const b = $iq({ to: peer, type: 'set' })
    .c('jingle', { xmlns: NS.jingle, action: 'transport-info', sid })
    .c('content', { creator: 'initiator', name: mids[0] })
    .c('transport', { xmlns: NS.ice, ufrag: attr(m, sec.session, 'ice-ufrag'),
      pwd: attr(m, sec.session, 'ice-pwd') })
    .c('fingerprint', { xmlns: NS.dtls, hash: fp[0],
      setup: attr(m, sec.session, 'setup') }).t(fp[1]).up();
  sendIq(b, 'transport-info (ICE restart)');
  flushOut();
}

async function restartIce(info) {
  restarting = true;
  takeCredentials(info);
  log('state ICE restart by the peer');
  signalled = false;
  await pc.setRemoteDescription({ type: 'offer', sdp: sdpFromJingle(remoteJingle, true) });
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  sendCredentials();
  addRemoteCandidates(info);
  restarting = false;
  restarts++;
  for (const j of pendingInfo.splice(0)) addRemoteCandidates(j);
  log('state ICE restart answered');
}

async function restartOwn() {
  if (ended) return;
  ownRestart = true;
  signalled = false;
  const offer = await pc.createOffer({ iceRestart: true });
  await pc.setLocalDescription(offer);
  sendCredentials();
  log('state ICE restart sent');
}

async function restartAnswered(info) {
  restarting = true;
  takeCredentials(info);
  await pc.setRemoteDescription({ type: 'answer', sdp: sdpFromJingle(remoteJingle, false) });
  addRemoteCandidates(info);
  restarting = false;
  ownRestart = false;
  restarts++;
  for (const j of pendingInfo.splice(0)) addRemoteCandidates(j);
  log('state ICE restart answered by the peer');
}

function hangUp(reason) {
  if (ended) return;
  collect().then(() => {
    sendIq($iq({ to: peer, type: 'set' })
      .c('jingle', { xmlns: NS.jingle, action: 'session-terminate', sid })
      .c('reason').c(reason), 'session-terminate');
    if (jmi) {
      conn.send($msg({ to: peer, type: 'chat' })
        .c('finish', { xmlns: NS.jmi, id: sid }).c('reason', { xmlns: NS.jingle })
        .c(reason).up().up().up().c('store', { xmlns: NS.hints }).tree());
    }
    finish(null, 'sent ' + reason);
  });
}

function sendDtmf() {
  const sender = pc.getSenders().find((x) => x.track && x.track.kind === 'audio');
  if (!sender || !sender.dtmf || !sender.dtmf.canInsertDTMF) {
    log('error cannot send DTMF (no telephone-event negotiated?)');
    return;
  }
  sender.dtmf.ontonechange = (ev) => { if (ev.tone) log('state dtmf sent ' + ev.tone); };
  sender.dtmf.insertDTMF(opt.dtmf, 100, 70);
}

// ---- what we received -------------------------------------------------------

async function collect() {
  if (!pc) return;
  const stats = await pc.getStats();
  stats.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      lastStats.packets = s.packetsReceived || 0;
      lastStats.energy = s.totalAudioEnergy || 0;
    }
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      lastStats.vframes = s.framesDecoded || 0;
      lastStats.vwidth = s.frameWidth || 0;
      lastStats.vheight = s.frameHeight || 0;
    }
  });
}

// One second of the received track, once it has played for a second:
// the strongest frequency between 100 and 2000 Hz (Goertzel, 2 Hz steps)
// and how far above the median of the others it stands.
async function analyse(track) {
  if (typeof MediaStreamTrackProcessor === 'undefined') {
    log('error no MediaStreamTrackProcessor');
    return;
  }
  const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
  let rate = 48000;
  let skip = 48000;
  const want = 48000;
  const buf = new Float32Array(want);
  let n = 0;
  while (n < want) {
    const { value, done } = await reader.read();
    if (done) return;
    rate = value.sampleRate;
    const frames = value.numberOfFrames;
    const tmp = new Float32Array(frames);
    value.copyTo(tmp, { planeIndex: 0, format: 'f32-planar' });
    value.close();
    let i = 0;
    if (skip > 0) { const k = Math.min(skip, frames); skip -= k; i = k; }
    for (; i < frames && n < want; i++) buf[n++] = tmp[i];
  }
  reader.cancel();
  const mags = [];
  for (let f = 100; f <= 2000; f += 2) {
    const w = 2 * Math.cos(2 * Math.PI * f / rate);
    let s1 = 0; let s2 = 0;
    for (let i = 0; i < n; i++) { const s0 = buf[i] + w * s1 - s2; s2 = s1; s1 = s0; }
    mags.push([f, s1 * s1 + s2 * s2 - w * s1 * s2]);
  }
  const sorted = mags.map((x) => x[1]).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] || 1e-12;
  const best = mags.reduce((a, b) => (b[1] > a[1] ? b : a));
  analysis = { peak: best[0], ratio: best[1] / Math.max(median, 1e-12) };
  log('state analysed peak=' + best[0]);
}

function finish(error, reason) {
  if (ended) return;
  ended = true;
  if (error) log('error ' + error);
  if (reason) log('state ended ' + reason);
  collect().catch(() => {}).then(() => {
    log('result connected=' + connected + ' packets=' + lastStats.packets
      + ' energy=' + lastStats.energy.toFixed(4)
      + ' peak=' + (analysis ? analysis.peak : 0)
      + ' ratio=' + (analysis ? analysis.ratio.toExponential(1) : 0)
      + ' vframes=' + lastStats.vframes + ' vwidth=' + lastStats.vwidth
      + ' vheight=' + lastStats.vheight + ' restarts=' + restarts);
    if (pc) pc.close();
    log('done');
  });
}

// ---- start --------------------------------------------------------------------

function start() {
  setTimeout(() => finish('timed out after ' + opt.timeout + ' s'), opt.timeout * 1000);
  setInterval(() => { collect().catch(() => {}); }, 500);
  conn = new Strophe.Connection(opt.ws);
  conn.connect(opt.jid, opt.pass, (status, cond) => {
    if (status === Strophe.Status.CONNECTED) {
      conn.addHandler(onJingle, NS.jingle, 'iq', 'set');
      conn.send($pres().tree());
      log('ready as ' + conn.jid);
      if (opt.mode === 'call' && !opt.to.includes('/')) propose();
      else if (opt.mode === 'call') call().catch((e) => finish('calling failed: ' + e));
    } else if (status === Strophe.Status.CONNFAIL || status === Strophe.Status.AUTHFAIL) {
      finish('XMPP connection failed: ' + status + ' ' + (cond || ''));
    }
  });
}

window.addEventListener('load', start);
