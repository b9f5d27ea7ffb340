//go:build race

package app_test

// seedBudgetFactor stretches time budgets under the race detector, which slows SQLite work ~10×.
const seedBudgetFactor = 10
