"""The site's pages: the scoreboard, predictions, indicators, questions, the
report card, history and methods, their charts and feeds, and the editors'
admin home. They read the domain (``predictions``, ``indicators``); the rest of
``tracker`` is infrastructure and imports neither the pages nor the domain."""
