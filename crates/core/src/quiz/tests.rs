// The engine's tests, against an in-memory site.
