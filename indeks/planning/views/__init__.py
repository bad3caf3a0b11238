"""Planner pages: the roadmap to a target, the what-if simulator, saved plans and their actions."""
