// Loads a flattened CMI into scorm-again (as the player does), initializes, and answers GetValue.
// stdin: {"root": REPO, "standard": "scorm12"|"scorm2004", "flattened": {...}, "elements": [...],
//         "sets": [[element, value], ...], "format": "flattened"|"json"}
// stdout: {"loaded": BOOL, "answers": {element: [value, errorCode]}, "setErrors": {element: code},
//          "commit": the body scorm-again would send on terminate}
const fs = require("fs");
const vm = require("vm");

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const sandbox = { console: { log() {}, info() {}, warn() {}, error() {}, debug() {} } };
Object.assign(sandbox, { setTimeout, clearTimeout, setInterval, clearInterval });
sandbox.window = sandbox;
sandbox.self = sandbox;
vm.createContext(sandbox);
const file = input.standard === "scorm12" ? "scorm12.js" : "scorm2004.js";
vm.runInContext(fs.readFileSync(`${input.root}/node_modules/scorm-again/dist/${file}`, "utf8"), sandbox);
const Api = input.standard === "scorm12" ? sandbox.Scorm12API : sandbox.Scorm2004API;
const api = new Api({ logLevel: 5, dataCommitFormat: input.format || "flattened" });
api.loadFromFlattenedJSON(input.flattened);
const initialized = input.standard === "scorm12" ? api.LMSInitialize("") : api.Initialize("");
const answers = {};
for (const element of input.elements) {
  const value = input.standard === "scorm12" ? api.LMSGetValue(element) : api.GetValue(element);
  const code = input.standard === "scorm12" ? api.LMSGetLastError() : api.GetLastError();
  answers[element] = [String(value), Number(code)];
}
const setErrors = {};
for (const [element, value] of input.sets || []) {
  const ok = input.standard === "scorm12" ? api.LMSSetValue(element, value) : api.SetValue(element, value);
  if (ok !== "true") {
    setErrors[element] = Number(input.standard === "scorm12" ? api.LMSGetLastError() : api.GetLastError());
  }
}
const commit = api.renderCommitCMI(true);
process.stdout.write(JSON.stringify({ loaded: initialized === "true", answers, setErrors, commit }));
