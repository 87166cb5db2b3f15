"""The reports' pages: views stay thin, every decision is in tasks/reports/services/. A report outside
the user's scope is 404, a role that may not act 403, a report in the wrong state or bad input 400 with
the service's message; nothing changes on a refusal."""
