// The Evaluation module; its types arrive with their issue.
