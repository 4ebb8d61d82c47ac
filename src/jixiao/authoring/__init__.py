"""Starting a spec and checking the machine: init/new scaffolds, doctor."""
