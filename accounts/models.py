"""No tables: roles are ``auth`` groups (``accounts.roles``); this module makes the app
receive ``post_migrate``, which Django sends only to apps with models modules."""
