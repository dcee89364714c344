"""What a release publishes: the framework in the formats people load into their own tools."""
