// Integration tests start real servers (Prometheus, PostgreSQL, Chromium): give them time.
jest.setTimeout(120000);
