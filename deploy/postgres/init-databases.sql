-- One database per service: each bounded context owns its data.
CREATE DATABASE lab27_membership;
CREATE DATABASE lab27_cohorts;
CREATE DATABASE lab27_funding;
CREATE DATABASE lab27_bookings;
