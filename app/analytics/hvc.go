package analytics

import (
	"math"
	"sort"
)

// HVC thresholds. A customer is a high-value customer when its score reaches HVCThreshold.
const (
	HVCThreshold = 60.0
	hvcWeightM   = 0.5 // paid revenue relative to the best customer
	hvcWeightF   = 0.3 // number of orders that were not cancelled
	hvcWeightR   = 0.2 // recency of the last paid invoice or order
)

// CustomerValue is what the HVC engine knows about one customer.
type CustomerValue struct {
	ID         int64
	Name       string
	Paid       float64 // paid invoices, tenant currency
	Orders     int     // orders not cancelled
	LastAt     int64   // ms of the latest paid invoice or order; 0 = never
	HasContact bool    // phone or email known
	Erased     bool    // emptied by a KVKK erasure
	Invoices   int     // invoices of any status
	Score      float64 // filled by ScoreCustomers
}

// HVCResult is the segmentation outcome shown on the KPI page.
type HVCResult struct {
	Count        int
	RevenueShare float64 // percent of all paid revenue that HVC customers paid
	AvgScore     float64 // mean score of HVC customers (0 when none)
	Top          *CustomerValue
	Confidence   string  // high medium low: how complete the data behind the scores is
	Completeness float64 // 0–100
	Customers    []CustomerValue
}

// recencyScore maps days since the last purchase to 0–100 in steps a contractor recognises:
// this month, this quarter, this half-year, older.
func recencyScore(nowMs, lastMs int64) float64 {
	if lastMs == 0 {
		return 0
	}
	days := float64(nowMs-lastMs) / 86400000
	switch {
	case days <= 30:
		return 100
	case days <= 90:
		return 70
	case days <= 180:
		return 40
	default:
		return 10
	}
}

// frequencyScore: one order 25, two 50, three or four 75, five or more 100.
func frequencyScore(n int) float64 {
	switch {
	case n <= 0:
		return 0
	case n == 1:
		return 25
	case n == 2:
		return 50
	case n <= 4:
		return 75
	default:
		return 100
	}
}

// ScoreCustomers segments customers deterministically: score = 0.5·M + 0.3·F + 0.2·R where M is
// paid revenue as a percentage of the best-paying customer's, F the order-count step and R the
// recency step. Customers with neither revenue nor orders are not scored. The result lists the
// scored customers by score, highest first (ties by id).
func ScoreCustomers(nowMs int64, cs []CustomerValue) HVCResult {
	var res HVCResult
	maxPaid, total := 0.0, 0.0
	for _, c := range cs {
		maxPaid = math.Max(maxPaid, c.Paid)
		total += c.Paid
	}
	var complete float64
	for _, c := range cs {
		// Completeness: contact known, at least one order, at least one invoice.
		var k float64
		if c.HasContact {
			k++
		}
		if c.Orders > 0 {
			k++
		}
		if c.Invoices > 0 {
			k++
		}
		complete += k / 3
		if c.Paid == 0 && c.Orders == 0 {
			continue
		}
		m := 0.0
		if maxPaid > 0 {
			m = 100 * c.Paid / maxPaid
		}
		c.Score = math.Round((hvcWeightM*m+hvcWeightF*frequencyScore(c.Orders)+hvcWeightR*recencyScore(nowMs, c.LastAt))*10) / 10
		res.Customers = append(res.Customers, c)
	}
	sort.Slice(res.Customers, func(i, j int) bool {
		a, b := res.Customers[i], res.Customers[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.ID < b.ID
	})
	var hvcPaid, hvcScore float64
	for i := range res.Customers {
		c := &res.Customers[i]
		if c.Score >= HVCThreshold {
			res.Count++
			hvcPaid += c.Paid
			hvcScore += c.Score
		}
	}
	if len(res.Customers) > 0 {
		top := res.Customers[0]
		res.Top = &top
	}
	if total > 0 {
		res.RevenueShare = 100 * hvcPaid / total
	}
	if res.Count > 0 {
		res.AvgScore = hvcScore / float64(res.Count)
	}
	if len(cs) > 0 {
		res.Completeness = 100 * complete / float64(len(cs))
	}
	switch {
	case len(res.Customers) >= 5 && res.Completeness >= 80:
		res.Confidence = "high"
	case len(res.Customers) >= 3 && res.Completeness >= 50:
		res.Confidence = "medium"
	default:
		res.Confidence = "low"
	}
	return res
}
