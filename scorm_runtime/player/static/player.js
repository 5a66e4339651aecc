/* The SCORM player page (docs/scorm-player-protocol.md).
 *
 * Trades the one-time launch token in the URL's fragment for a session token kept only in memory,
 * builds window.API (SCORM 1.2) or window.API_1484_11 (SCORM 2004) with scorm-again loaded with the
 * server's CMI data, loads the SCO in a frame where the API discovery algorithm finds it (parent, then
 * opener), and sends the elements the SCO sets to the server, which validates each one. No cookie and
 * no browser storage: the session token lives and dies with this page.
 */
(function () {
  "use strict";

  // Beacons and keepalive fetches are capped at about 64 KB: a large suspend_data goes when it is set.
  var SUSPEND_DATA_COMMIT_NOW = 16 * 1024;
  // scorm-again's own cap on suspend_data (1.2 and 2004); the server's setting may be higher or lower.
  var SCORM_AGAIN_STRING_CAP = 64000;
  var GENERAL = {
    scorm12: {commit: 101, terminate: 101, type: 405},
    // SCORM 2004 RTE 3.1.7.6: 391 General Commit Failure, 111 General Termination Failure, 406 Type Mismatch
    scorm2004: {commit: 391, terminate: 111, type: 406}
  };
  var NOTICES = {
    session_ended: "This item was opened again in another window or tab, or its session has ended. This page " +
      "no longer records your progress: close it and continue where the item is open now.",
    invalid_token: "This launch link has already been used or has expired. Launch the course again.",
    not_found: "This course session does not exist. Launch the course again.",
    network: "The course server cannot be reached. Your latest progress may not be saved.",
    not_installed: "The course player could not load its run-time library."
  };

  var pathParts = location.pathname.split("/");
  var sessionId = decodeURIComponent(pathParts[pathParts.length - 1]);
  // Relative to /player/<session>, so the page works wherever a proxy mounts /player/.
  var apiBase = "api/sessions/" + encodeURIComponent(sessionId) + "/";

  var state = {
    sessionToken: null,
    standard: null,
    api: null,
    pending: {},       // elements the SCO set since the last commit the server answered
    unconfirmed: {},   // elements sent by a keepalive request whose answer may never come
    toc: [],
    navigation: {continue: false, previous: false},
    settings: {commitIntervalSeconds: 60, maxStringLength: SCORM_AGAIN_STRING_CAP},
    terminated: false, // LMSFinish/Terminate done (or the session ended by navigation)
    ended: false,      // the server refused the session: another tab took it, or it ended
    unloading: false,
    ending: null,      // the SCO's Terminate in flight (postEnding), which navigate waits for
    leaving: false,    // beforeunload: the page may go, and browsers refuse synchronous requests now
    navigating: false,
    timer: null
  };

  var elements = {
    title: document.getElementById("course-title"),
    notice: document.getElementById("notice"),
    status: document.getElementById("status"),
    frame: document.getElementById("sco"),
    toc: document.getElementById("toc"),
    tocList: document.getElementById("toc-list"),
    previous: document.getElementById("previous"),
    next: document.getElementById("next")
  };

  function setPlayerState(name) {
    document.documentElement.setAttribute("data-player-state", name);
  }

  function showNotice(text) {
    elements.notice.textContent = text;
    elements.notice.hidden = false;
  }

  function showStatus(text) {
    elements.status.textContent = text;
  }

  /* ---- HTTP: JSON in and out; the session token is in the body so a beacon can carry it ---- */

  function parseBody(text) {
    try {
      return text ? JSON.parse(text) : {};
    } catch (error) {
      return {};
    }
  }

  // Synchronous, because the SCO waits for LMSCommit/Commit and Terminate to say whether they worked.
  function postSync(call, body) {
    var request = new XMLHttpRequest();
    try {
      request.open("POST", apiBase + call, false);
      request.setRequestHeader("Content-Type", "application/json");
      request.send(JSON.stringify(body));
    } catch (error) {
      return {status: 0, body: {}};  // the network, or a browser that forbids synchronous requests now
    }
    return {status: request.status, body: parseBody(request.responseText)};
  }

  function postAsync(call, body, keepalive) {
    return fetch(apiBase + call, {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(body),
      keepalive: !!keepalive,
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      return response.text().then(function (text) {
        return {status: response.status, body: parseBody(text)};
      });
    }, function () {
      return {status: 0, body: {}};
    });
  }

  // Sent while the page goes away: a keepalive fetch outlives the page; sendBeacon when fetch cannot.
  // Returns a promise settled with the fetch, or null when it went as a beacon.
  function postWhileUnloading(call, body) {
    var json = JSON.stringify(body);
    try {
      return fetch(apiBase + call, {method: "POST", headers: {"Content-Type": "application/json"}, body: json,
        keepalive: true, credentials: "omit"}).catch(function () {});
    } catch (error) {
      navigator.sendBeacon(apiBase + call, new Blob([json], {type: "application/json"}));
      return null;
    }
  }

  // The SCO's Terminate, sent while only its frame unloads: keepalive (browsers refuse synchronous requests
  // there). The server ends the session and saves its report in one transaction, so this and the learner's
  // navigate may arrive in either order; navigate still waits for it (at most 5 s) to spare a retry.
  function postEnding(call, body) {
    var sent = postWhileUnloading(call, body);
    return sent && Promise.race([sent, new Promise(function (resolve) { setTimeout(resolve, 5000); })]);
  }

  function handleRefusal(response) {
    var code = response.body && response.body.error;
    if (response.status === 409 && code === "session_ended") {
      endSession(NOTICES.session_ended);
    } else if (response.status === 401) {
      endSession(NOTICES.invalid_token);
    } else if (response.status === 404) {
      endSession(NOTICES.not_found);
    } else if (response.status === 0) {
      showNotice(NOTICES.network);
    } else {
      showNotice(refusalText(response.body, "The course server answered " + response.status + "."));
    }
  }

  // A refusal's message with the SN exception that refused it (409 not_allowed carries `exception`).
  function refusalText(body, fallback) {
    var text = (body && body.message) || fallback;
    var exception = body && body.exception;
    return exception && text.indexOf(exception) < 0 ? text + " (" + exception + ")" : text;
  }

  // The server no longer takes this session: stop the timer and every further call, and say so.
  function endSession(text) {
    state.ended = true;
    stopTimer();
    showNotice(text);
    setPlayerState("ended");
    elements.previous.disabled = true;
    elements.next.disabled = true;
    Array.prototype.forEach.call(elements.tocList.querySelectorAll("button"), function (button) {
      button.disabled = true;
    });
  }

  /* ---- Commits: the elements the SCO set, flat, since the last answered commit ---- */

  function isEmpty(object) {
    for (var key in object) {
      if (Object.prototype.hasOwnProperty.call(object, key)) return false;
    }
    return true;
  }

  // Everything not yet acknowledged, newest values last, so a later request carries what an earlier
  // keepalive request may have lost (two keepalive requests can arrive in either order).
  function takeChanges() {
    var changes = Object.assign({}, state.unconfirmed, state.pending);
    state.pending = {};
    return changes;
  }

  function putBack(changes) {
    state.pending = Object.assign(changes, state.pending);
  }

  function result(ok, errorCode) {
    return ok ? {result: "true", errorCode: 0} : {result: "false", errorCode: errorCode};
  }

  function reportRejected(body) {
    var rejected = (body && body.rejected) || [];
    rejected.forEach(function (item) {
      console.warn("The server refused " + item.element + " (" + item.code + "): " + item.message);
    });
  }

  function commit() {
    var codes = GENERAL[state.standard];
    // SCORM 1.2 lets a SCO call LMSCommit after LMSFinish: there is no session left to commit to.
    if (state.ended || state.terminated) return result(false, codes.commit);
    if (state.unloading || state.leaving) {
      var unloadChanges = takeChanges();
      if (!isEmpty(unloadChanges)) {
        postWhileUnloading("commit", {sessionToken: state.sessionToken, cmi: unloadChanges});
        state.unconfirmed = unloadChanges;
      }
      return result(true);
    }
    var changes = takeChanges();
    var response = postSync("commit", {sessionToken: state.sessionToken, cmi: changes});
    if (response.status === 200) {
      state.unconfirmed = {};
      reportRejected(response.body);
      return result(true);
    }
    putBack(changes);
    handleRefusal(response);
    return result(false, codes.commit);
  }

  // "{target=ID}choice" -> {request: "choice", target: "ID"}; "continue" -> {request: "continue"}.
  function parseNavRequest(value) {
    if (!value || value === "_none_") return null;
    var targeted = /^\{target=([^}]+)\}(choice|jump)$/.exec(value);
    return targeted ? {request: targeted[2], target: targeted[1]} : {request: value};
  }

  function terminate() {
    var codes = GENERAL[state.standard];
    if (state.ended) return result(false, codes.terminate);
    var navigation = null;
    // While the learner's own navigation unloads the SCO, that navigation wins over a request the SCO left.
    if (state.standard === "scorm2004" && !state.navigating && state.api.adl && state.api.adl.nav) {
      navigation = parseNavRequest(state.api.adl.nav.request);  // scorm-again clears it after Terminate
    }
    var body = {sessionToken: state.sessionToken, cmi: takeChanges()};
    // A pending adl.nav.request ends the session through navigate, which ends it as the request says
    // (suspendAll suspends it) and answers what comes next.
    var call = navigation ? "navigate" : "terminate";
    if (navigation) {
      body.request = navigation.request;
      if (navigation.target) body.target = navigation.target;
    }
    if (state.unloading || state.leaving) {
      postWhileUnloading(call, body);
      state.unconfirmed = body.cmi;
      state.terminated = true;
      stopTimer();
      return result(true);
    }
    // Synchronous even while the learner's navigation unloads the SCO's frame, so the session has ended
    // before navigate asks for the next item.
    var response = postSync(call, body);
    var inFlight = false;
    if (response.status === 0 && state.navigating) {
      // Refused while the frame goes away (browsers forbid synchronous requests in unload handlers): send
      // it anyway. Navigate carries these changes again, since it can reach the server first and end the
      // session, and this Terminate would then be refused with them.
      state.ending = postEnding(call, body);
      inFlight = true;
      response = {status: 200, body: {}};
    }
    if (navigation && response.status === 409 && response.body.error !== "session_ended") {
      // Sequencing or prerequisites refused the request; the SCO's Terminate still ends its session.
      var ended = postSync("terminate", {sessionToken: state.sessionToken, cmi: body.cmi});
      var alreadyEnded = ended.status === 409 && ended.body.error === "session_ended";
      if (ended.status === 200 || alreadyEnded) {
        state.unconfirmed = {};
        state.terminated = true;
        stopTimer();
        setPlayerState("terminated");
        if (response.body.toc) takeToc(response.body.toc);
        showStatus(refusalText(response.body, "That navigation request is not allowed now."));
        setTimeout(renderNavigation, 0);
        return result(true);
      }
      response = ended;
    }
    if (response.status !== 200) {
      putBack(body.cmi);
      handleRefusal(response);
      return result(false, codes.terminate);
    }
    state.unconfirmed = inFlight ? body.cmi : {};
    state.terminated = true;
    stopTimer();
    reportRejected(response.body);
    setPlayerState("terminated");
    if (navigation) {
      state.navigating = true;
      setTimeout(function () { followNavigation(response.body || {}); }, 0);  // after Terminate returns
    } else {
      if (response.body && response.body.navigation) state.navigation = response.body.navigation;
      setTimeout(afterTerminate, 0);
    }
    return result(true);
  }

  // scorm-again's commit hook: LMSCommit/Commit, and the commit Terminate makes.
  var httpService = {
    processHttpRequest: function (url, params, immediate, apiLog, processListeners, metadata) {
      var terminating = metadata ? !!metadata.isTerminateCommit : !!immediate;
      return terminating ? terminate() : commit();
    },
    updateSettings: function () {}
  };

  function startTimer() {
    var seconds = Number(state.settings.commitIntervalSeconds) || 60;
    state.timer = setInterval(function () {
      if (!state.terminated && !state.ended && !state.navigating && !isEmpty(state.pending)) commit();
    }, seconds * 1000);
  }

  function stopTimer() {
    if (state.timer !== null) clearInterval(state.timer);
    state.timer = null;
  }

  // Content often finishes in its own beforeunload/unload handlers, when a synchronous request fails.
  window.addEventListener("beforeunload", function () {
    state.leaving = true;
    setTimeout(function () { state.leaving = false; }, 2000);  // runs only if the page stayed after all
  });

  window.addEventListener("pagehide", function () {
    state.unloading = true;
    if (!state.sessionToken || state.terminated || state.ended) return;
    var changes = takeChanges();
    if (isEmpty(changes)) return;
    postWhileUnloading("commit", {sessionToken: state.sessionToken, cmi: changes});
    state.unconfirmed = changes;
  });

  /* ---- The API object ---- */

  function recordSet(api, element, value) {
    if (String(api.lastErrorCode) !== "0") return;  // refused by the data model: nothing to send
    if (element.indexOf("adl.nav.") === 0) return;   // navigation goes to navigate, not into the CMI data
    state.pending[element] = String(value);
    if (/suspend_data$/.test(element) && String(value).length > SUSPEND_DATA_COMMIT_NOW && !state.unloading &&
        !state.ended) {
      commit();
    }
  }

  // The server stores strings up to its own setting: follow it where it differs from scorm-again's cap.
  function limitStrings(api, setName) {
    var original = api[setName];
    var cap = Number(state.settings.maxStringLength) || SCORM_AGAIN_STRING_CAP;
    api[setName] = function (element, value) {
      var text = value === undefined || value === null ? "" : String(value);
      if (/^cmi\.suspend_data$/.test(element) && text.length > Math.min(cap, SCORM_AGAIN_STRING_CAP) &&
          api.isInitialized() && !api.isTerminated()) {
        if (text.length > cap) {
          api.throwSCORMError(element, GENERAL[state.standard].type,
            "suspend_data is longer than this server stores (" + cap + " characters)");
          return "false";
        }
        if (Object.prototype.hasOwnProperty.call(api.cmi, "_suspend_data")) {
          api.cmi._suspend_data = text;
          api.lastErrorCode = "0";
          recordSet(api, element, text);
          return "true";
        }
      }
      return original.call(api, element, value);
    };
  }

  function loadCmi(api, cmi) {
    if (!cmi || typeof cmi !== "object") return;
    var flat = Object.keys(cmi).some(function (key) { return key.indexOf(".") >= 0; });
    if (flat) {
      api.loadFromFlattenedJSON(cmi, "");
    } else {
      api.loadFromJSON(cmi.cmi ? cmi.cmi : cmi, "");
    }
  }

  function enabledTarget(target) {
    return state.toc.some(function (item) { return item.launchable === target && item.enabled; });
  }

  function buildApi(start) {
    var scorm12 = start.standard === "scorm12";
    var settings = {
      autocommit: false,  // the page commits on its own timer (settings.commitIntervalSeconds)
      lmsCommitUrl: apiBase + "commit",
      dataCommitFormat: "flattened",
      httpService: httpService,
      logLevel: 5,
      autoCompleteLessonStatus: false,
      mastery_override: false
    };
    if (!scorm12) settings.scoItemIdValidator = enabledTarget;
    var api = scorm12 ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
    loadCmi(api, start.cmi);
    if (!scorm12 && api.adl && api.adl.nav && api.adl.nav.request_valid) {
      api.adl.nav.request_valid.continue = start.navigation && start.navigation.continue ? "true" : "false";
      api.adl.nav.request_valid.previous = start.navigation && start.navigation.previous ? "true" : "false";
    }
    var prefix = scorm12 ? "LMSSetValue" : "SetValue";
    api.on(prefix + ".cmi.*", function (element, value) { recordSet(api, element, value); });
    if (!scorm12) api.on("SetValue.adl.*", function (element, value) { recordSet(api, element, value); });
    limitStrings(api, prefix);
    return api;
  }

  function loadScript(source) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = source;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  /* ---- Navigation: table of contents, previous/next, adl.nav.request ---- */

  function renderNavigation() {
    var several = state.toc.length > 1;
    elements.previous.hidden = !several;
    elements.next.hidden = !several;
    elements.previous.disabled = !state.navigation.previous || state.ended || state.navigating;
    elements.next.disabled = !state.navigation.continue || state.ended || state.navigating;
    elements.toc.hidden = !several;
    elements.tocList.textContent = "";
    state.toc.forEach(function (item) {
      if (item.visible === false) return;  // SCORM 2004 CAM isvisible="false": not offered for choice
      var entry = document.createElement("li");
      entry.className = "depth-" + Math.min(Number(item.depth) || 0, 4);
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = item.title || item.launchable;
      button.setAttribute("data-launchable", item.launchable);
      if (item.current) button.setAttribute("aria-current", "true");
      button.disabled = !item.enabled || state.ended || state.navigating;
      button.addEventListener("click", function () {
        if (!item.current || state.terminated) navigate("choice", item.launchable);
      });
      entry.appendChild(button);
      elements.tocList.appendChild(entry);
    });
  }

  // Unloading the frame runs the SCO's own unload handlers: many call LMSFinish/Terminate there.
  function unloadContent() {
    return new Promise(function (resolve) {
      if (elements.frame.hidden || !elements.frame.getAttribute("src")) {
        resolve();
        return;
      }
      var done = false;
      function finish() {
        if (!done) {
          done = true;
          resolve();
        }
      }
      elements.frame.addEventListener("load", finish, {once: true});
      setTimeout(finish, 2000);
      elements.frame.setAttribute("src", "about:blank");
      elements.frame.hidden = true;
    });
  }

  // A navigate answer's table of contents (what sequencing allows now): the items, and previous/next as
  // the nearest enabled item before and after the current one.
  function takeToc(toc) {
    state.toc = toc;
    var current = -1;
    toc.forEach(function (item, index) { if (item.current) current = index; });
    function offered(item) { return item.enabled && item.visible !== false; }
    state.navigation = {
      previous: current > 0 && toc.slice(0, current).some(offered),
      continue: current >= 0 && toc.slice(current + 1).some(offered)
    };
  }

  // What the server delivers next: the next session's player page, or nothing (the end, or exit). With
  // nothing delivered and a table of contents that still offers items, the learner chooses from it.
  function followNavigation(body) {
    var launch = body.launch;
    if (launch && launch.url) {
      location.replace(launch.url);
      return;
    }
    unloadContent().then(function () {
      state.navigating = false;
      if (body.toc && body.toc.some(function (item) { return item.enabled && item.visible !== false; })) {
        takeToc(body.toc);
        renderNavigation();
        setPlayerState("terminated");
        showStatus(refusalText(body, "Choose what to do next."));
        return;
      }
      state.navigation = {continue: false, previous: false};
      state.toc.forEach(function (item) { item.enabled = false; });
      renderNavigation();
      setPlayerState("finished");
      showStatus(body.message || "There is nothing more to show. You can close this window.");
    });
  }

  // adl.nav.request_valid from the server, which applies prerequisites; only while the session is open.
  function requestValid() {
    if (state.terminated || state.ended) return Promise.resolve(null);
    return postAsync("request-valid", {sessionToken: state.sessionToken}).then(function (response) {
      return response.status === 200 ? response.body : null;
    });
  }

  function refreshNavigation() {
    return requestValid().then(function (valid) {
      if (!valid || state.navigating) return;
      state.navigation = {continue: !!valid.continue, previous: !!valid.previous};
      var choice = valid.choice || {};
      state.toc.forEach(function (item) {
        if (Object.prototype.hasOwnProperty.call(choice, item.launchable)) item.enabled = !!choice[item.launchable];
      });
      renderNavigation();
    });
  }

  function allowed(valid, request, target) {
    if (!valid) return true;  // the session has ended: navigate asks the server, which decides
    if (request === "choice") return !valid.choice || valid.choice[target] !== false;
    return valid[request] !== false;
  }

  function navigate(request, target) {
    if (state.navigating || state.ended) return;
    state.navigating = true;
    renderNavigation();
    // Ask first while the SCO still runs: a refused request must not take the content away.
    requestValid().then(function (valid) {
      if (allowed(valid, request, target)) return go(request, target);
      state.navigating = false;
      renderNavigation();
      showStatus("That item is not available yet.");
    });
  }

  // navigate takes a session open or ended, so a 409 stale_record or session_ended means another request
  // (the SCO's Terminate, sent as its frame unloaded) was ending the session at that moment: ask again.
  function postNavigate(body, retries) {
    return postAsync("navigate", body).then(function (response) {
      var code = response.body && response.body.error;
      if (response.status === 409 && (code === "stale_record" || code === "session_ended") && retries > 0) {
        return new Promise(function (resolve) { setTimeout(resolve, 300); }).then(function () {
          return postNavigate(body, retries - 1);
        });
      }
      return response;
    });
  }

  function go(request, target) {
    showStatus("Loading\u2026");
    return unloadContent().then(function () {
      return state.ending;  // the SCO's Terminate, if it went out as the frame unloaded
    }).then(function () {
      state.ending = null;
      var body = {sessionToken: state.sessionToken, request: request};
      if (target) body.target = target;
      body.cmi = takeChanges();  // navigate ends a session still open, as terminate, with these changes
      return postNavigate(body, 3).then(function (response) {
        if (response.status === 200) {
          state.unconfirmed = {};
          state.terminated = true;
          stopTimer();
          followNavigation(response.body || {});
          return;
        }
        if (body.cmi) putBack(body.cmi);
        state.navigating = false;
        if (response.status === 409 && response.body.error !== "session_ended") {
          // Sequencing or prerequisites do not allow it: say why (with the SN exception) and stay.
          if (response.body.toc) takeToc(response.body.toc);
          showStatus(refusalText(response.body, "That item is not available yet."));
          renderNavigation();
          return;
        }
        handleRefusal(response);
        renderNavigation();
      });
    });
  }

  function afterTerminate() {
    if (state.navigating || state.ended) return;
    // What the SCO did may have met a prerequisite: every item is offered, and the server decides.
    state.toc.forEach(function (item) { item.enabled = true; });
    renderNavigation();
    showStatus(state.toc.length > 1 ? "This item has ended. Choose what to do next." :
      "This item has ended. You can close this window.");
  }

  /* ---- Start ---- */

  function launchToken() {
    var fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
    var token = fragment.get("launch");
    // The token works once: keep it out of the address bar, history and bookmarks.
    history.replaceState(null, "", location.pathname + location.search);
    return token;
  }

  function showContent(content) {
    var title = (content && content.title) || "Course";
    elements.title.textContent = title;
    document.title = title;
    if (!content.url) {
      showStatus("This item has nothing to show.");
      return;
    }
    showStatus("");
    elements.frame.setAttribute("title", title);
    elements.frame.hidden = false;
    elements.frame.setAttribute("src", content.url);
  }

  function start() {
    setPlayerState("starting");
    var token = launchToken();
    if (!token) {
      endSession(NOTICES.invalid_token);
      showStatus("");
      return;
    }
    postAsync("start", {launchToken: token}).then(function (response) {
      if (response.status !== 200) {
        handleRefusal(response);
        showStatus("");
        return;
      }
      var start = response.body;
      state.sessionToken = start.sessionToken;
      state.standard = start.standard === "scorm12" ? "scorm12" : "scorm2004";
      state.toc = start.toc || [];
      state.navigation = start.navigation || {continue: false, previous: false};
      state.settings = Object.assign(state.settings, start.settings || {});
      var bundle = state.standard === "scorm12" ? "scorm12.min.js" : "scorm2004.min.js";
      return loadScript("scorm-again/" + bundle).then(function () {
        state.api = buildApi(start);
        if (state.standard === "scorm12") {
          window.API = state.api;
        } else {
          window.API_1484_11 = state.api;
        }
        renderNavigation();
        startTimer();
        setPlayerState("running");
        showContent(start.content || {});
        if (state.toc.length > 1) refreshNavigation();
      }, function () {
        showNotice(NOTICES.not_installed);
        showStatus("");
      });
    });
  }

  elements.previous.addEventListener("click", function () { navigate("previous"); });
  elements.next.addEventListener("click", function () { navigate("continue"); });

  start();
}());
