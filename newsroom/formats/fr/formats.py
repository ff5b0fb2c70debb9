# "24 mai 2024", as Django's French default; kept here so both languages read side by side.
DATE_FORMAT = "j F Y"
