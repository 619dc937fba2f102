"""The cohorts service: innovation labs and workshops, their agents, coaches and sprints."""
