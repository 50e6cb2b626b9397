"""The run: gather inputs, run the profile's checks, evaluate them into a report."""
