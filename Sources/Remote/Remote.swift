// The Remote module; its types arrive with their issue.
