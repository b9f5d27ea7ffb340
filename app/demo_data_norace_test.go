//go:build !race

package app_test

// seedBudgetFactor stretches time budgets under the race detector; 1 in a normal build.
const seedBudgetFactor = 1
