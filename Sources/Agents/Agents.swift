// The Agents module; its types arrive with their issue.
