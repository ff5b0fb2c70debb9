# "May 24, 2024": the month spelt out, where Django's English default abbreviates it.
DATE_FORMAT = "F j, Y"
