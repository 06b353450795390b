"""Values as the reports print them → exact, comparable numbers, units, signs and dates."""
