package clinical

import "math"

// A Unit is a unit of measure in normal form. Two units with the same Dim
// measure the same kind of thing and convert by their Factors: 500 mg and
// 0.5 g are equal because 500×0.001 = 0.5×1.
type Unit struct {
	Name   string  // canonical spelling: "mg", "mg/kg/h", "mmol/L", "/min", "%"
	Dim    string  // dimension signature: "M", "M/M/T", "N/V", "/T", "%"
	Factor float64 // multiplier to the base unit of Dim (g, L, mol, s, …)
}

// IsZero reports whether u is no unit at all.
func (u Unit) IsZero() bool { return u.Name == "" && u.Dim == "" }

// Same reports whether the amounts a of u and b of v are equal.
func Same(a float64, u Unit, b float64, v Unit) bool {
	if u.Dim != v.Dim {
		return false
	}
	return nearlyEqual(a*u.Factor, b*v.Factor)
}

func nearlyEqual(a, b float64) bool {
	if a == b {
		return true
	}
	d := math.Abs(a - b)
	m := math.Max(math.Abs(a), math.Abs(b))
	return d <= 1e-9*m
}

// atom is one unit word.
type atom struct {
	name   string
	dim    string
	factor float64
	count  bool // a counted thing ("breaths"), dropped before a denominator
}

var (
	mass   = func(n string, f float64) atom { return atom{n, "M", f, false} }
	volume = func(n string, f float64) atom { return atom{n, "V", f, false} }
	amount = func(n string, f float64) atom { return atom{n, "N", f, false} }
	tm     = func(n string, f float64) atom { return atom{n, "T", f, false} }
	long   = func(n string, f float64) atom { return atom{n, "Y", f, false} }
	thing  = func(n string) atom { return atom{n, "#" + n, 1, true} }
)

// atoms maps lower-case unit words to their normal form. Time units convert
// exactly between seconds and weeks; months and years form their own
// dimension (a year is 12 months), since a month has no fixed length in days.
var atoms = map[string]atom{
	"mcg": mass("mcg", 1e-6), "µg": mass("mcg", 1e-6), "μg": mass("mcg", 1e-6), "ug": mass("mcg", 1e-6),
	"microgram": mass("mcg", 1e-6), "micrograms": mass("mcg", 1e-6), "microgramme": mass("mcg", 1e-6), "microgrammes": mass("mcg", 1e-6),
	"mg": mass("mg", 1e-3), "mgs": mass("mg", 1e-3), "milligram": mass("mg", 1e-3), "milligrams": mass("mg", 1e-3),
	"milligramme": mass("mg", 1e-3), "milligrammes": mass("mg", 1e-3),
	"g": mass("g", 1), "gm": mass("g", 1), "gram": mass("g", 1), "grams": mass("g", 1), "gramme": mass("g", 1), "grammes": mass("g", 1),
	"kg": mass("kg", 1e3), "kgs": mass("kg", 1e3), "kilogram": mass("kg", 1e3), "kilograms": mass("kg", 1e3), "kilo": mass("kg", 1e3), "kilos": mass("kg", 1e3),
	"ng": mass("ng", 1e-9), "nanogram": mass("ng", 1e-9), "nanograms": mass("ng", 1e-9),

	"ml": volume("mL", 1e-3), "mls": volume("mL", 1e-3), "millilitre": volume("mL", 1e-3), "millilitres": volume("mL", 1e-3),
	"milliliter": volume("mL", 1e-3), "milliliters": volume("mL", 1e-3),
	"l": volume("L", 1), "litre": volume("L", 1), "litres": volume("L", 1), "liter": volume("L", 1), "liters": volume("L", 1),
	"dl": volume("dL", 0.1), "decilitre": volume("dL", 0.1), "decilitres": volume("dL", 0.1), "deciliter": volume("dL", 0.1), "deciliters": volume("dL", 0.1),
	"µl": volume("µL", 1e-6), "μl": volume("µL", 1e-6), "microlitre": volume("µL", 1e-6), "microlitres": volume("µL", 1e-6),

	"mmol": amount("mmol", 1e-3), "millimole": amount("mmol", 1e-3), "millimoles": amount("mmol", 1e-3),
	"mol": amount("mol", 1), "mole": amount("mol", 1), "moles": amount("mol", 1),
	"µmol": amount("µmol", 1e-6), "μmol": amount("µmol", 1e-6), "umol": amount("µmol", 1e-6), "micromol": amount("µmol", 1e-6),
	"micromole": amount("µmol", 1e-6), "micromoles": amount("µmol", 1e-6),
	"nmol": amount("nmol", 1e-9), "meq": {"mEq", "E", 1e-3, false},

	"unit": {"unit", "U", 1, false}, "units": {"unit", "U", 1, false}, "iu": {"unit", "U", 1, false},

	"s": tm("s", 1), "sec": tm("s", 1), "secs": tm("s", 1), "second": tm("s", 1), "seconds": tm("s", 1),
	"min": tm("min", 60), "mins": tm("min", 60), "minute": tm("min", 60), "minutes": tm("min", 60),
	"h": tm("h", 3600), "hr": tm("h", 3600), "hrs": tm("h", 3600), "hour": tm("h", 3600), "hours": tm("h", 3600),
	"d": tm("day", 86400), "day": tm("day", 86400), "days": tm("day", 86400),
	"wk": tm("week", 604800), "wks": tm("week", 604800), "week": tm("week", 604800), "weeks": tm("week", 604800),
	"month": long("month", 1), "months": long("month", 1),
	"y": long("year", 12), "yr": long("year", 12), "yrs": long("year", 12), "year": long("year", 12), "years": long("year", 12),

	"%": {"%", "%", 1, false}, "percent": {"%", "%", 1, false},
	"mmhg": {"mmHg", "P", 1, false}, "kpa": {"kPa", "kPa", 1, false}, "cmh2o": {"cmH2O", "cmH2O", 1, false},
	"°c": {"°C", "C", 1, false}, "celsius": {"°C", "C", 1, false}, "centigrade": {"°C", "C", 1, false},
	"°f": {"°F", "F", 1, false}, "fahrenheit": {"°F", "F", 1, false},
	"mm": {"mm", "Lm", 1e-3, false}, "cm": {"cm", "Lm", 1e-2, false}, "m2": {"m²", "A", 1, false}, "m²": {"m²", "A", 1, false},
	"kcal": {"kcal", "kcal", 1, false},
	"bpm":  {"/min", "/T", 1.0 / 60, false},

	"breath": thing("breath"), "breaths": thing("breath"), "beat": thing("beat"), "beats": thing("beat"),
	"tablet": thing("tablet"), "tablets": thing("tablet"), "tab": thing("tablet"), "tabs": thing("tablet"),
	"capsule": thing("capsule"), "capsules": thing("capsule"), "puff": thing("puff"), "puffs": thing("puff"),
	"drop": thing("drop"), "drops": thing("drop"), "dose": thing("dose"), "doses": thing("dose"),
	"sachet": thing("sachet"), "sachets": thing("sachet"), "spray": thing("spray"), "sprays": thing("spray"),
	"vial": thing("vial"), "vials": thing("vial"), "ampoule": thing("ampoule"), "ampoules": thing("ampoule"),
	"patch": thing("patch"), "patches": thing("patch"), "injection": thing("injection"), "injections": thing("injection"),
}

// timeAtom reports whether w names a unit of time and returns it.
func timeAtom(w string) (atom, bool) {
	a, ok := atoms[w]
	return a, ok && (a.dim == "T" || a.dim == "Y")
}

// unitAt parses the unit that starts at lexeme i, if any: one or more unit
// words joined by "/" or "per" ("mg/kg/h", "units per kg per hour",
// "breaths per minute", "/min"), or by "a" before a unit of time ("10 mg a
// day"). A counted thing before a denominator is dropped: "breaths per
// minute" is "/min". It returns the unit and the index after it.
func (a *analysis) unitAt(i int) (Unit, int, bool) {
	var name, dim string
	factor := 1.0
	counted := false
	j := i
	if at, k, ok := a.atomAt(i); ok {
		name, dim, factor, counted = at.name, at.dim, at.factor, at.count
		j = k
	} else if !a.isLower(i, "/") && !a.isLower(i, "per") {
		return Unit{}, i, false
	}
	for {
		per := a.isLower(j, "/") || a.isLower(j, "per")
		article := a.isLower(j, "a") || a.isLower(j, "an")
		if !per && !(article && name != "") {
			break
		}
		d, k, ok := a.atomAt(j + 1)
		if !ok || d.count || (article && d.dim != "T" && d.dim != "Y") {
			break
		}
		if counted {
			name, dim, factor, counted = "", "", 1, false
		}
		name += "/" + d.name
		dim += "/" + d.dim
		factor /= d.factor
		j = k
	}
	if j == i {
		return Unit{}, i, false
	}
	return Unit{Name: name, Dim: dim, Factor: factor}, j, true
}

// atomAt parses one unit word (or a two-word unit such as "mm Hg", "per cent",
// "international units", "° C", "degrees Celsius") at lexeme i.
func (a *analysis) atomAt(i int) (atom, int, bool) {
	if i >= len(a.lx) || a.lx[i].used {
		return atom{}, i, false
	}
	w := a.lx[i].lower
	next := ""
	if i+1 < len(a.lx) && !a.lx[i+1].used {
		next = a.lx[i+1].lower
	}
	switch {
	case w == "mm" && next == "hg":
		return atoms["mmhg"], i + 2, true
	case w == "per" && next == "cent":
		return atoms["%"], i + 2, true
	case w == "international" && (next == "units" || next == "unit"):
		return atoms["units"], i + 2, true
	case w == "°" && (next == "c" || next == "f"):
		return atoms["°"+next], i + 2, true
	case w == "degrees" || w == "degree":
		switch next {
		case "c", "celsius", "centigrade":
			return atoms["°c"], i + 2, true
		case "f", "fahrenheit":
			return atoms["°f"], i + 2, true
		}
		return atoms["°c"], i + 1, true
	}
	if a.lx[i].kind == Number {
		return atom{}, i, false
	}
	if info := a.lx[i].info; info != nil {
		return info.atom, i + 1, info.isAtom
	}
	if at, ok := atoms[w]; ok {
		return at, i + 1, true
	}
	return atom{}, i, false
}
