/* Shared by the test SCOs: finds the run-time API where the SCORM API discovery algorithm looks (this
 * window, then its parents, then the opener and its parents), makes calls, and logs each call with its
 * return value and GetLastError code as one JSON line in <pre id="log">, for the tests to read. */
var SCO = (function () {
  "use strict";

  function findIn(win, name) {
    var hops = 0;
    while (win && !win[name] && win.parent && win.parent !== win && hops < 10) {
      hops += 1;
      win = win.parent;
    }
    return win ? win[name] || null : null;
  }

  function find(name) {
    return findIn(window, name) || (window.opener ? findIn(window.opener, name) : null);
  }

  function log(entry) {
    document.getElementById("log").textContent += JSON.stringify(entry) + "\n";
  }

  function caller(api, lastError) {
    return function (method) {
      var args = Array.prototype.slice.call(arguments, 1);
      var result = api[method].apply(api, args);
      var error = String(api[lastError]());
      log({call: method, args: args, result: String(result), error: error});
      return String(result);
    };
  }

  function show(id, value) {
    var element = document.getElementById(id);
    if (element) element.textContent = value;
  }

  return {find: find, log: log, caller: caller, show: show};
}());
