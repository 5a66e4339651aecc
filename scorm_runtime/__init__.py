"""SCORM 1.2 and 2004: manifest parsing (cam/), the run-time data models (rte/), SCORM -> xAPI
(ADL's xAPI SCORM Profile), the player, and the `delivery.standard.Standard` they make up together."""
