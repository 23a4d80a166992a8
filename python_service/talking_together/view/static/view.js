// The room in 3D: two simple heads at their anchors in room frame R, driven by the frames that
// `talking-together view` forwards over its WebSocket (see view/server.py for the messages).
// R is OpenXR STAGE (+Y up, metres, -Z forward), which is also three.js's convention, so poses
// are used as they come; in VR the scene sits in a local-floor reference space.
import * as THREE from './vendor/three.module.min.js';
import { OrbitControls } from './vendor/OrbitControls.js';
import { VRButton } from './vendor/VRButton.js';

const COLOURS = [0xe0823d, 0x3d8fe0]; // A warm orange, B blue: also what the browser test looks for
const MOUTH_COLOUR = 0x8a1f33; // the mouth's inside, a dark red
const SPEAKING = 0.5; // the indicator lights from this speaking probability up
const GAZE_M = 1.2; // length of a gaze ray
const JAW_RAD = 0.45; // jaw rotation at jawOpen = 1
const LID_OPEN_RAD = 0.95, LID_CLOSED_RAD = -1.7; // upper lid's tilt about the eye's X axis
const LATENCY_WINDOW = 50; // frames in the displayed median
const MOUTH = [0, 0.0, -0.078]; // the mouth's centre in the head frame

const $ = (selector) => document.querySelector(selector);
const now = () => performance.timeOrigin + performance.now(); // Unix ms, fractional

// ------------------------------------------------------------------------------- scene

const renderer = new THREE.WebGLRenderer({ antialias: true });
renderer.setPixelRatio(window.devicePixelRatio);
renderer.setSize(window.innerWidth, window.innerHeight);
renderer.xr.enabled = true;
renderer.xr.setReferenceSpaceType('local-floor');
document.body.appendChild(renderer.domElement);
document.body.appendChild(VRButton.createButton(renderer));

const scene = new THREE.Scene();
scene.background = new THREE.Color(0x1d2127);
scene.add(new THREE.HemisphereLight(0xffffff, 0x404850, 2.2));
const sun = new THREE.DirectionalLight(0xffffff, 1.6);
sun.position.set(1, 3, 2);
scene.add(sun);
scene.add(new THREE.GridHelper(8, 16, 0x4a525c, 0x333940)); // the floor, y = 0

const camera = new THREE.PerspectiveCamera(40, window.innerWidth / window.innerHeight, 0.02, 50);
camera.position.set(0, 1.5, 2.2);
const controls = new OrbitControls(camera, renderer.domElement);
controls.target.set(0, 1.15, 0);
controls.update();
let dirty = true; // the scene needs drawing
controls.addEventListener('change', () => { dirty = true; });

window.addEventListener('resize', () => {
  camera.aspect = window.innerWidth / window.innerHeight;
  camera.updateProjectionMatrix();
  renderer.setSize(window.innerWidth, window.innerHeight);
  dirty = true;
});

function material(colour, extra = {}) {
  return new THREE.MeshStandardMaterial({ color: colour, roughness: 0.65, metalness: 0.0, ...extra });
}

// One person: a torso at the anchor, a neck, and a head (skull, nose, eyes with pupils, upper
// lids, a jaw and the mouth's dark inside) in the head frame: +X right, +Y up, -Z the face.
class Person {
  constructor(index, anchor, head) {
    const colour = COLOURS[index];
    this.index = index;
    this.anchor = anchor;
    const skin = material(colour), dark = material(0x1a1012), white = material(0xf4f4f0, { roughness: 0.3 });
    const inside = new THREE.MeshBasicMaterial({ color: MOUTH_COLOUR }); // unlit: the open mouth reads at any angle

    const yaw = new THREE.Quaternion().setFromAxisAngle(new THREE.Vector3(0, 1, 0), anchor.yaw_rad);
    this.anchorPosition = new THREE.Vector3(...anchor.position);
    this.anchorRotation = yaw;
    // A bust below the neck base, turned to the seat's yaw.
    const torso = new THREE.Mesh(new THREE.CapsuleGeometry(0.11, 0.08, 6, 16), material(new THREE.Color(colour).multiplyScalar(0.45)));
    torso.scale.set(1.4, 1, 0.75);
    torso.position.copy(this.anchorPosition).add(new THREE.Vector3(0, -0.15, 0));
    torso.quaternion.copy(yaw);
    scene.add(torso);

    this.neck = new THREE.Mesh(new THREE.CylinderGeometry(0.04, 0.045, 1, 16), skin);
    scene.add(this.neck);

    this.head = new THREE.Group();
    scene.add(this.head);
    const skull = new THREE.Mesh(new THREE.SphereGeometry(1, 40, 28), skin);
    skull.scale.set(0.075, 0.09, 0.097);
    skull.position.set(0, 0.085, 0.005);
    const muzzle = new THREE.Mesh(new THREE.SphereGeometry(1, 32, 16), skin); // cheeks and upper lip
    muzzle.scale.set(0.052, 0.032, 0.05);
    muzzle.position.set(0, 0.03, -0.04);
    const nose = new THREE.Mesh(new THREE.ConeGeometry(0.012, 0.03, 12), skin);
    nose.rotation.x = -Math.PI / 2; // the cone's +Y to -Z
    nose.position.set(0, 0.045, -0.1);
    this.head.add(skull, muzzle, nose);

    // The mouth: a dark inside, a thin line while the jaw (a chin on a hinge in front of the ears) is shut.
    this.mouth = new THREE.Mesh(new THREE.SphereGeometry(1, 24, 12), inside);
    this.mouth.position.set(...MOUTH);
    this.head.add(this.mouth);
    this.jaw = new THREE.Group();
    this.jaw.position.set(0, 0.03, 0.0);
    const chin = new THREE.Mesh(new THREE.SphereGeometry(1, 32, 16), skin);
    chin.scale.set(0.05, 0.034, 0.05);
    chin.position.set(0, -0.042, -0.038);
    this.jaw.add(chin);
    this.head.add(this.jaw);

    this.eyes = [];
    this.lids = [];
    for (const offset of head.eye_offsets) { // [left, right]: the person's left is -X
      const eye = new THREE.Group();
      eye.position.set(...offset);
      const ball = new THREE.Mesh(new THREE.SphereGeometry(0.0125, 20, 14), white);
      const pupil = new THREE.Mesh(new THREE.SphereGeometry(0.0048, 12, 8), dark);
      pupil.position.set(0, 0, -0.009); // inside the shut lid
      eye.add(ball, pupil);
      this.head.add(eye);
      this.eyes.push(eye);
      const lid = new THREE.Mesh(new THREE.SphereGeometry(0.0142, 20, 10, 0, Math.PI * 2, 0, Math.PI / 2), skin);
      lid.position.set(...offset);
      this.head.add(lid);
      this.lids.push(lid);
    }

    // Speaking: a ring above the head that lights up, also in VR where the page's panel is not.
    this.ring = new THREE.Mesh(new THREE.TorusGeometry(0.07, 0.008, 8, 32),
      new THREE.MeshBasicMaterial({ color: colour, transparent: true, opacity: 0.15 }));
    this.ring.rotation.x = Math.PI / 2;
    scene.add(this.ring);

    const rayColour = new THREE.Color(colour).lerp(new THREE.Color(0xffffff), 0.5);
    this.rays = this.eyes.map(() => {
      const line = new THREE.Line(new THREE.BufferGeometry().setFromPoints([new THREE.Vector3(), new THREE.Vector3()]),
        new THREE.LineBasicMaterial({ color: rayColour, transparent: true, opacity: 0.8 }));
      line.frustumCulled = false; // its bounds change every frame
      scene.add(line);
      return line;
    });
    this.objects = [torso, this.neck, this.head, this.ring, ...this.rays];
  }

  apply(p, names) {
    this.head.position.set(...p.head_position);
    this.head.quaternion.set(...p.head_rotation);
    const weight = (name) => p.expression[names.get(name)] ?? 0;
    this.jaw.rotation.x = -JAW_RAD * weight('jawOpen');
    const open = weight('jawOpen');
    this.mouth.scale.set(0.024, 0.003 + 0.022 * open, 0.012);
    ['eyeBlinkLeft', 'eyeBlinkRight'].forEach((name, i) => {
      this.lids[i].rotation.x = LID_OPEN_RAD + (LID_CLOSED_RAD - LID_OPEN_RAD) * weight(name);
    });
    [p.left_eye, p.right_eye].forEach((q, i) => this.eyes[i].quaternion.set(...q));

    // The neck: from its base (anchor + translation, in the anchor frame) to the head pivot.
    const base = new THREE.Vector3(...p.translation).applyQuaternion(this.anchorRotation).add(this.anchorPosition);
    const along = this.head.position.clone().sub(base);
    this.neck.position.copy(base).addScaledVector(along, 0.5);
    this.neck.scale.set(1, Math.max(along.length(), 1e-3), 1);
    this.neck.quaternion.setFromUnitVectors(new THREE.Vector3(0, 1, 0), along.normalize());

    this.head.updateMatrixWorld(true);
    this.eyes.forEach((eye, i) => { // an eye's gaze is its -Z axis
      const from = eye.getWorldPosition(new THREE.Vector3());
      const to = new THREE.Vector3(0, 0, -GAZE_M).applyQuaternion(eye.getWorldQuaternion(new THREE.Quaternion())).add(from);
      this.rays[i].geometry.setFromPoints([from, to]);
    });

    this.ring.position.copy(this.head.position).add(new THREE.Vector3(0, 0.26, 0));
    const on = p.speaking >= SPEAKING;
    this.ring.material.opacity = 0.15 + 0.85 * p.speaking;
    this.ring.scale.setScalar(on ? 1.25 : 1.0);
    const row = document.querySelector(`.person[data-index="${this.index}"]`);
    row.classList.toggle('speaking', on);
    row.querySelector('.fill').style.width = `${Math.round(100 * p.speaking)}%`;
    row.querySelector('.word').textContent = on ? 'speaking' : 'listening';
  }

  dispose() {
    for (const object of this.objects) scene.remove(object);
  }
}

// -------------------------------------------------------------------------------- state

// Exposed for the browser test and for anyone debugging in the console.
const state = window.talkingTogether = {
  header: null, last: null, frames: 0, clockOffsetMs: 0, bestRttMs: Infinity, status: null, people: [], // last: the frame on screen
  latency: { screen: [], bridge: [] }, // the newest LATENCY_WINDOW figures, ms
  // Screen position (CSS px) of a point given in a person's head frame, e.g. the mouth.
  screenOf(index, local = MOUTH) {
    const person = this.people[index];
    const v = new THREE.Vector3(...local).applyMatrix4(person.head.matrixWorld).project(camera);
    return { x: (v.x + 1) / 2 * window.innerWidth, y: (1 - v.y) / 2 * window.innerHeight };
  },
};
let names = new Map();
let pending = null;

function onHeader(h) {
  state.header = h;
  state.status = null;
  names = new Map(h.expression_names.map((name, i) => [name, i]));
  state.people.forEach((p) => p.dispose());
  state.people = h.anchors.map((anchor, i) => new Person(i, anchor, h.head));
  frameCamera(h.anchors);
  $('#source').textContent = `${h.source === 'live' ? 'live' : 'recording'}: ${h.origin} · ${h.animator} · ${h.layout}`;
  $('#status').textContent = 'waiting for frames';
  document.querySelectorAll('.person').forEach((row) => {
    const colour = `#${COLOURS[row.dataset.index].toString(16).padStart(6, '0')}`;
    row.querySelector('.swatch').style.background = colour;
    row.querySelector('.fill').style.background = colour;
  });
}

// Look at both heads from the side they face together (or, face to face, from across their line).
function frameCamera(anchors) {
  const [a, b] = anchors.map((x) => new THREE.Vector3(...x.position));
  const forward = anchors.map((x) => new THREE.Vector3(-Math.sin(x.yaw_rad), 0, -Math.cos(x.yaw_rad)));
  const facing = forward[0].clone().add(forward[1]);
  const across = new THREE.Vector3(a.z - b.z, 0, b.x - a.x).normalize(); // horizontal, perpendicular to A-B
  const faceToFace = facing.lengthSq() < 0.01; // then look from the +Z side, as a STAGE user faces -Z
  if (faceToFace ? across.z < 0 : facing.dot(across) < 0) across.negate();
  const direction = facing.add(across).normalize();
  const middle = a.clone().add(b).multiplyScalar(0.5).add(new THREE.Vector3(0, 0.15, 0));
  const distance = Math.max(1.3, 1.25 * a.distanceTo(b));
  camera.position.copy(middle).addScaledVector(direction, distance).add(new THREE.Vector3(0, 0.7, 0));
  controls.target.copy(middle);
  controls.update();
}

function onFrame(f) {
  pending = f; // only the newest is drawn; the bridge already drops what a slow page cannot take
}

// Append to a rolling window; its median.
function push(window, ms) {
  window.push(ms);
  if (window.length > LATENCY_WINDOW) window.shift();
  return [...window].sort((x, y) => x - y)[window.length >> 1];
}

function showFrame(f) {
  state.people.forEach((person, i) => person.apply(f.participants[i], names));
  state.frames += 1;
  state.last = f;
  // Live: the audio's capture (the server's clock) to this frame on screen, on this page's clock
  // corrected to the bridge's (ping/pong). A recording's capture times are past: show its own figure.
  const live = state.header.source === 'live';
  const screen = push(state.latency.screen, live ? now() + state.clockOffsetMs - f.capture_ms : f.emit_ms - f.capture_ms);
  const bridge = push(state.latency.bridge, f.bridge_ms - f.capture_ms);
  $('#latency').textContent = live
    ? `latency ${screen.toFixed(0)} ms capture to screen (${bridge.toFixed(0)} ms to the bridge)`
    : `recorded capture to emit ${screen.toFixed(0)} ms`;
  $('#status').textContent = `frame ${f.sequence}`;
}

// ----------------------------------------------------------------------------- transport

function connect() {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  ws.onopen = () => { // a few pings: the one with the shortest round trip sets the clock offset
    for (let i = 0; i < 5; i++) setTimeout(() => ws.readyState === 1 && ws.send(JSON.stringify({ type: 'ping', t: now() })), 200 * i);
  };
  ws.onmessage = (event) => {
    const m = JSON.parse(event.data);
    if (m.type === 'header') onHeader(m);
    else if (m.type === 'frame') {
      ws.send('{"type":"ack"}'); // the bridge sends the next frame only when this one is taken
      if (state.header) onFrame(m);
    }
    else if (m.type === 'pong') {
      const rtt = now() - m.t;
      if (rtt < state.bestRttMs) { // an offset within half the round trip is no evidence of one: same clock
        const offset = m.bridge_ms - (m.t + rtt / 2);
        state.bestRttMs = rtt;
        state.clockOffsetMs = Math.abs(offset) <= rtt / 2 ? 0 : offset;
      }
    } else if (m.type === 'status') {
      state.status = m;
      $('#status').textContent = `stream ended after ${m.frames} frames${m.code ? `: ${m.message}` : ''}`;
    }
  };
  ws.onclose = () => {
    if (!state.status) $('#status').textContent = 'disconnected; retrying…';
    setTimeout(connect, 2000);
  };
}

// Draw when something changed (a frame, the camera, the window): a page left open costs no more
// than the stream's 25 fps. In VR every frame is drawn, since the headset moves.
renderer.setAnimationLoop(() => {
  if (pending) {
    showFrame(pending);
    pending = null;
    dirty = true;
  }
  if (dirty || renderer.xr.isPresenting) renderer.render(scene, camera);
  dirty = false;
});
connect();
