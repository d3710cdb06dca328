#ifndef KOCHMON_AGENTS_COMBINE_RULE_LOGIT_H
#define KOCHMON_AGENTS_COMBINE_RULE_LOGIT_H

// Shared by the combinators that look at one rule at a time (weighted, any, all, sequential):
// a rule's own logit over the available options, stay at utility 0.

#include <span>

#include "sim/api/decision_rule.h"

namespace kochmon::agents {

//! Rule k's conditional choice: `share[d]` = exp(s_k(d)) / Σ_{d' available} exp(s_k(d'))
//! over the destinations only (share[0] = 0), and the return value is the probability of
//! going given the household weighs a move, Σ exp(s_k(d)) / (1 + Σ exp(s_k(d))).
double rule_logit(const sim::CombineInput& in, std::size_t k, std::span<double> share);

//! Turns destination shares (p[1..], summing to one or zero) into choice probabilities: each
//! share times the probability of going, and stay (p[0]) the rest.
void scale_to_go(std::span<double> p, double go);

} // namespace kochmon::agents

#endif
