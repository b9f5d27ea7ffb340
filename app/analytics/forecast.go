package analytics

import "math"

// Holt's linear trend smoothing constants. They are fixed (not fitted) so that a snapshot is
// reproducible and explainable: alpha weighs the latest month's level, beta the latest change of
// trend. The values are the textbook middle ground for short, noisy monthly series.
const (
	HoltAlpha = 0.5
	HoltBeta  = 0.3
)

// Forecast is Holt's linear trend applied to a monthly series, with the band the page draws.
type Forecast struct {
	Fitted   []float64 // one-step-ahead prediction for each observed month (first = observed)
	Points   []float64 // projections for the next months
	Lower    []float64 // Points − 1.96 × residual std, never below 0 (revenue cannot be negative)
	Upper    []float64 // Points + 1.96 × residual std
	Sigma    float64   // standard deviation of the one-step-ahead residuals
	Accuracy float64   // 0–100: 1 − MAPE of a backtest on the last observed months, clipped
	Backtest int       // how many months the backtest held out (0 = too little data to measure)
	// Base is the Holt projection before the seasonal calendar's campaigns (ApplySeasonal), and
	// Campaigns the campaigns that raised each projected month; both nil without campaigns.
	Base      []float64        `json:",omitempty"`
	Campaigns [][]CampaignWeek `json:",omitempty"`
}

// Holt runs Holt's linear trend on series and projects horizon steps ahead. Level starts at the
// first value and trend at the first difference; each step then does
//
//	level_t = α·y_t + (1−α)·(level_{t−1} + trend_{t−1})
//	trend_t = β·(level_t − level_{t−1}) + (1−β)·trend_{t−1}
//
// and the h-step projection is level + h·trend.
func Holt(series []float64, horizon int) (fitted, points []float64) {
	n := len(series)
	if n == 0 {
		return nil, make([]float64, horizon)
	}
	fitted = make([]float64, n)
	level, trend := series[0], 0.0
	if n > 1 {
		trend = series[1] - series[0]
	}
	fitted[0] = series[0]
	for t := 1; t < n; t++ {
		fitted[t] = level + trend
		prev := level
		level = HoltAlpha*series[t] + (1-HoltAlpha)*(level+trend)
		trend = HoltBeta*(level-prev) + (1-HoltBeta)*trend
	}
	points = make([]float64, horizon)
	for h := 1; h <= horizon; h++ {
		points[h-1] = level + float64(h)*trend
	}
	return fitted, points
}

// BuildForecast projects horizon months of series with a band from the residual spread and
// measures its own accuracy by backtesting: the last k months (k = min(3, n/3)) are hidden, the
// model is fitted on the rest, and accuracy = 1 − MAPE over the hidden months with a non-zero
// actual value, clipped to [0, 1] and given in percent. With fewer than four months there is
// nothing honest to measure and Accuracy stays 0 with Backtest 0.
func BuildForecast(series []float64, horizon int) Forecast {
	f := Forecast{}
	f.Fitted, f.Points = Holt(series, horizon)
	if len(series) > 2 {
		var ss float64
		for t := 1; t < len(series); t++ {
			d := series[t] - f.Fitted[t]
			ss += d * d
		}
		f.Sigma = math.Sqrt(ss / float64(len(series)-1))
	}
	f.Lower = make([]float64, horizon)
	f.Upper = make([]float64, horizon)
	for i, p := range f.Points {
		if p < 0 {
			f.Points[i] = 0
			p = 0
		}
		f.Lower[i] = math.Max(0, p-1.96*f.Sigma)
		f.Upper[i] = p + 1.96*f.Sigma
	}
	n := len(series)
	if n < 4 {
		return f
	}
	k := min(3, n/3)
	_, pred := Holt(series[:n-k], k)
	var sum float64
	var m int
	for i := 0; i < k; i++ {
		a := series[n-k+i]
		if a == 0 {
			continue
		}
		sum += math.Abs(a-math.Max(0, pred[i])) / math.Abs(a)
		m++
	}
	if m == 0 {
		return f
	}
	f.Backtest = k
	f.Accuracy = 100 * math.Min(1, math.Max(0, 1-sum/float64(m)))
	return f
}
