/* An exact SCORM 2004 call sequence with the error code each call must leave (SCORM 2004 RTE 3.1.7). */
(function () {
  "use strict";
  var api = SCO.find("API_1484_11");
  if (!api) {
    SCO.log({found: false});
    return;
  }
  SCO.log({found: true});
  var call = SCO.caller(api, "GetLastError");
  call("GetValue", "cmi.learner_id");                          // before Initialize: 122
  call("SetValue", "cmi.location", "x");                       // before Initialize: 132
  call("Initialize", "");
  call("Initialize", "");                                      // twice: 103
  call("GetValue", "cmi.learner_id");
  call("GetValue", "cmi.learner_name");
  call("GetValue", "cmi.completion_status");
  call("GetValue", "cmi.success_status");
  call("GetValue", "cmi.entry");
  call("GetValue", "cmi.credit");
  call("GetValue", "cmi.mode");
  call("GetValue", "cmi.scaled_passing_score");
  call("GetValue", "cmi.location");                            // not set yet: 403
  call("SetValue", "cmi.learner_id", "someone-else");          // read only: 404
  call("GetValue", "cmi.exit");                                // write only: 405
  call("SetValue", "cmi.completion_status", "finished");       // not in the vocabulary: 406
  call("SetValue", "cmi.score.scaled", "2");                   // outside -1..1: 407
  call("GetValue", "cmi.no_such_element");                     // 401
  call("SetValue", "cmi.interactions.1.id", "q2");             // not the next index: 351
  call("SetValue", "cmi.interactions.0.id", "q1");
  call("SetValue", "cmi.interactions.0.learner_response", "b"); // before its type: 408
  call("SetValue", "cmi.interactions.0.type", "choice");
  call("SetValue", "cmi.interactions.0.learner_response", "b");
  call("SetValue", "cmi.interactions.0.correct_responses.0.pattern", "b");
  call("SetValue", "cmi.interactions.0.result", "correct");
  call("GetValue", "cmi.interactions._count");
  call("SetValue", "cmi.location", "page-3");
  call("SetValue", "cmi.suspend_data", "answered=q1");
  call("SetValue", "cmi.score.scaled", "0.9");
  call("SetValue", "cmi.score.raw", "90");
  call("SetValue", "cmi.score.min", "0");
  call("SetValue", "cmi.score.max", "100");
  call("SetValue", "cmi.success_status", "passed");
  call("SetValue", "cmi.completion_status", "completed");
  call("SetValue", "cmi.session_time", "PT1M30S");
  call("SetValue", "cmi.exit", "normal");
  call("Commit", "");
  call("GetValue", "cmi.location");
  call("GetErrorString", "406");
  call("Terminate", "");
  call("GetValue", "cmi.location");                            // after Terminate: 123
  call("Commit", "");                                          // after Terminate: 143
  call("Terminate", "");                                       // twice: 113
  SCO.log({done: true});
}());
