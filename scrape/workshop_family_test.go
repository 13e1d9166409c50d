package scrape

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// The learningsys.org workshop family (docs/pages.md §2.6, §2.7): the
// NIPS 2017 and NeurIPS 2018 sites and the unseen editions built in the
// same theme. The snippets are written in the family's markup; the
// abstracts and bios are invented.

const (
	nips17TalksURL  = "http://learningsys.org/nips17/talks.html"
	nips18TalksURL  = "http://learningsys.org/nips18/talks.html"
	nips17PapersURL = "http://learningsys.org/nips17/acceptedpapers.html"
	nips18PapersURL = "http://learningsys.org/nips18/acceptedpapers.html"
)

// nipsDoc wraps content in the theme's frame with the header of the 2017
// (year 17) or 2018 (year 18) NeurIPS site.
func nipsDoc(year int, content string) string {
	header := `<header><h1>ML Systems</h1></a><h2>Workshop on ML Systems</h2><h2>at NIPS 2017</h2><h2>December 8, 2017</h2></header>`
	if year == 18 {
		header = `<header><h1>Systems for ML</h1></a><h2>Workshop on Systems for ML and Open Source Software at NeurIPS 2018</h2><h2></h2><h2>December 7, 2018</h2></header>`
	}
	return `<html><head><title>ML Systems</title></head><body><div id="container"><div class="inner">` + header +
		`<div class='mymenu'><span class='menu-link'><a href="index.html">Home</a></span>` +
		`<span class='menu&#45;link&#45;last'><a href="acceptedpapers.html">Accepted Papers</a></span></div>` +
		`<hr><section id="main-content">` + content + `</section></div></div></body></html>`
}

// nipsTalk is a talk of the 2017 (year 17) or 2018 site with f applied.
func nipsTalk(year int, f func(*raw.Talk)) raw.Talk {
	t := raw.Talk{Kind: "talk", Date: "December 8, 2017", SourceURL: nips17TalksURL}
	if year == 18 {
		t.Date, t.SourceURL = "December 7, 2018", nips18TalksURL
	}
	f(&t)
	return t
}

func TestWorkshopFamilyTalks(t *testing.T) {
	tests := []struct {
		name    string
		year    int // 17 or 18: the site whose frame and URL the page has
		content string
		want    []func(*raw.Talk)
	}{{
		name: "two bold names share a trailing affiliation; Bios and its unlabeled continuation",
		year: 17,
		content: `<h2 id="invited-talks">Invited Talks</h2>
<p><strong>Sarah Bird</strong>, <strong>Dmytro Dzhulgakov</strong> (Facebook)</p>
<p>Title:
Creating an Open and Flexible ecosystem for AI models with ONNX</p>
<p>Abstract:
The speakers present an exchange format for models.</p>
<p>Bios:
Sarah runs research programs.</p>
<p>Dmytro Dzhulgakov
Dmytro leads an engineering group.</p>
<p><strong>Jeff Dean</strong> (Google Brain)</p>
<p>Title:
Machine Learning for Systems and Systems for Machine Learning</p>
<p>Abstract:
Learned models that steer systems.</p>
<hr />
<p><strong>Daniel Lo</strong> (Microsoft Research)</p>
<p>Title:
Accelerating Persistent Neural Networks at Datacenter Scale</p>
<p>Bio: 
Daniel Lo designs hardware.</p>`,
		want: []func(*raw.Talk){
			func(t *raw.Talk) {
				t.Series = "Invited Talks"
				t.Presenters = []string{"Sarah Bird (Facebook)", "Dmytro Dzhulgakov (Facebook)"}
				t.Title = "Creating an Open and Flexible ecosystem for AI models with ONNX"
				t.Abstract = []string{"The speakers present an exchange format for models."}
				t.Bio = []string{"Sarah runs research programs.", "Dmytro Dzhulgakov\nDmytro leads an engineering group."}
			},
			func(t *raw.Talk) {
				t.Series = "Invited Talks"
				t.Presenters = []string{"Jeff Dean (Google Brain)"}
				t.Title = "Machine Learning for Systems and Systems for Machine Learning"
				t.Abstract = []string{"Learned models that steer systems."}
			},
			func(t *raw.Talk) {
				t.Series = "Invited Talks"
				t.Presenters = []string{"Daniel Lo (Microsoft Research)"}
				t.Title = "Accelerating Persistent Neural Networks at Datacenter Scale"
				t.Bio = []string{"Daniel Lo designs hardware."}
			},
		},
	}, {
		name: "several presenters in one name line, as written per bold element",
		year: 17,
		content: `<h2>Invited Talks</h2>
<p><strong>Ann One and Bo Two</strong> (Lab X)</p>
<p>Title: A Joint Talk</p>
<p><strong>Cy Three</strong> &amp; <strong>Dee Four</strong> (Lab Y)</p>
<p>Title: Another Joint Talk</p>
<p><strong>Eve Five</strong> (Lab E), <strong>Fay Six</strong></p>
<p>Title: Own Parentheticals Only</p>
<p><strong>Gus Seven</strong> (Lab G), <strong>Hal Eight</strong> (Lab H, Chicago)</p>
<p>Title: Each Their Own</p>
<p><strong>Ida Nine</strong>, <strong>Jo Ten</strong> (Lab J), <strong>Kim Eleven</strong> (Lab K)</p>
<p>Title: Mixed</p>`,
		want: []func(*raw.Talk){
			func(t *raw.Talk) {
				t.Series, t.Title = "Invited Talks", "A Joint Talk"
				t.Presenters = []string{"Ann One and Bo Two (Lab X)"}
			},
			func(t *raw.Talk) {
				t.Series, t.Title = "Invited Talks", "Another Joint Talk"
				t.Presenters = []string{"Cy Three (Lab Y)", "Dee Four (Lab Y)"}
			},
			func(t *raw.Talk) {
				t.Series, t.Title = "Invited Talks", "Own Parentheticals Only"
				t.Presenters = []string{"Eve Five (Lab E)", "Fay Six"}
			},
			func(t *raw.Talk) {
				t.Series, t.Title = "Invited Talks", "Each Their Own"
				t.Presenters = []string{"Gus Seven (Lab G)", "Hal Eight (Lab H, Chicago)"}
			},
			func(t *raw.Talk) {
				t.Series, t.Title = "Invited Talks", "Mixed"
				t.Presenters = []string{"Ida Nine (Lab K)", "Jo Ten (Lab J)", "Kim Eleven (Lab K)"}
			},
		},
	}, {
		name: "keynote headings with ids, a colon in the title, a Slides paragraph",
		year: 18,
		content: `<h1 id="invited-talks">Invited Talks</h1>
<h2 id="key1">Keynote 1: Accelerated Computing for AI, Bryan Catanzaro</h2>
<p>Why accelerators must stay programmable.</p>
<p>Bryan Catanzaro leads a research group.</p>
<p><a href="assets/slides/Catanzaro_AI_Systems_Workshop_2018.pdf"><strong>Slides</strong></a></p>
<h2 id="key2">Keynote 2: BREAKING NEWS: Types Found to Be Underrated, Aish Fenton</h2>
<p>Types catch bugs.</p>
<p>Aish manages a research team.</p>
<h2 id="key3">Keynote 3: Infrastructure and Systems for Applied Machine Learning at Facebook, Kim Hazelwood</h2>
<p>Hardware and software for machine learning at scale.</p>
<p>Kim Hazelwood is an engineering manager.</p>
<p><strong><a href="https://example.org/recording">Video</a></strong></p>`,
		want: []func(*raw.Talk){
			func(t *raw.Talk) {
				t.Series, t.Anchor = "Invited Talks", "key1"
				t.Title, t.Presenters = "Accelerated Computing for AI", []string{"Bryan Catanzaro"}
				t.Abstract = []string{"Why accelerators must stay programmable."}
				t.Bio = []string{"Bryan Catanzaro leads a research group."}
				t.SlidesURL = "http://learningsys.org/nips18/assets/slides/Catanzaro_AI_Systems_Workshop_2018.pdf"
			},
			func(t *raw.Talk) {
				t.Series, t.Anchor = "Invited Talks", "key2"
				t.Title, t.Presenters = "BREAKING NEWS: Types Found to Be Underrated", []string{"Aish Fenton"}
				t.Abstract = []string{"Types catch bugs."}
				t.Bio = []string{"Aish manages a research team."}
			},
			func(t *raw.Talk) {
				t.Series, t.Anchor = "Invited Talks", "key3"
				t.Title, t.Presenters = "Infrastructure and Systems for Applied Machine Learning at Facebook", []string{"Kim Hazelwood"}
				t.Abstract = []string{"Hardware and software for machine learning at scale."}
				t.Bio = []string{"Kim Hazelwood is an engineering manager."}
				t.Links = []raw.Link{{URL: "https://example.org/recording", Label: "Video"}}
			},
		},
	}, {
		name: "speaker headings followed by labelled paragraphs",
		year: 17,
		content: `<h1>Invited Speakers</h1>
<h2 id="roe">Jane Roe (Acme Labs)</h2>
<p>Title: Compilers for Imaginary Chips</p>
<p>Abstract: A pipeline for hardware on paper.</p>
<p>Bio: Jane builds compilers.</p>
<h2>John Doe</h2>
<p><img src="doe.jpg"></p>
<p>Title:
Scheduling Without Clusters</p>
<p>Bio:
John writes schedulers.</p>
<p>He also teaches.</p>
<h3>Ada Example (Professor, University of Nowhere)</h3>
<p>Title: Keynote 1: Tensors Everywhere</p>
<p><a href="slides/example.pdf">Slides</a></p>
<h2>Industry Talks</h2>
<h3>Grace Sample, Fictional Labs</h3>
<p>Title: Feature Stores</p>`,
		want: []func(*raw.Talk){
			func(t *raw.Talk) {
				t.Series, t.Anchor = "Invited Speakers", "roe"
				t.Presenters, t.Title = []string{"Jane Roe (Acme Labs)"}, "Compilers for Imaginary Chips"
				t.Abstract, t.Bio = []string{"A pipeline for hardware on paper."}, []string{"Jane builds compilers."}
			},
			func(t *raw.Talk) {
				t.Series = "Invited Speakers"
				t.Presenters, t.Title = []string{"John Doe"}, "Scheduling Without Clusters"
				t.Bio = []string{"John writes schedulers.", "He also teaches."}
			},
			func(t *raw.Talk) {
				t.Series = "Invited Speakers"
				t.Presenters, t.Title = []string{"Ada Example (Professor, University of Nowhere)"}, "Tensors Everywhere"
				t.SlidesURL = "http://learningsys.org/nips17/slides/example.pdf"
			},
			func(t *raw.Talk) {
				t.Series = "Industry Talks"
				t.Presenters, t.Title = []string{"Grace Sample, Fictional Labs"}, "Feature Stores"
			},
		},
	}, {
		name: "sections, bio-only blocks without rules, panelists",
		year: 17,
		content: `<h2 id="invited-talks">Invited Talks</h2>
<p><strong>Virginia Smith</strong> (Stanford University)</p>
<p>Title:
Federated Multi-Task Learning</p>
<hr />
<h2 id="ml-systems-updates">ML Systems Updates</h2>
<p><strong>Tianqi Chen</strong> (University of Washington)</p>
<p>Bio:
Tianqi studies systems.</p>
<p><strong>Soumith Chintala</strong> (Facebook)</p>
<p>Bio:
Soumith builds software.</p>
<hr />
<h2 id="panelists">Panelists</h2>
<p><strong>Garth Gibson</strong> (CMU and Vector Institute)</p>
<p>Garth is a professor.</p>
<p>From next year he leads an institute.</p>
<p><strong>Joseph Gonzalez</strong> (UC Berkeley)</p>
<p>Bio:
Joseph teaches.</p>
<p><strong>Yangqing Jia</strong> (Research Scientist in Applied ML, Facebook)</p>
<p><strong>John Langford</strong> (Microsoft Research)</p>
<p>Bio:
John writes a blog.</p>
<p id="song"><strong>Dawn Song</strong> (UC Berkeley)</p>`,
		want: []func(*raw.Talk){
			func(t *raw.Talk) {
				t.Series, t.Presenters, t.Title = "Invited Talks", []string{"Virginia Smith (Stanford University)"}, "Federated Multi-Task Learning"
			},
			func(t *raw.Talk) {
				t.Series, t.Presenters = "ML Systems Updates", []string{"Tianqi Chen (University of Washington)"}
				t.Bio = []string{"Tianqi studies systems."}
			},
			func(t *raw.Talk) {
				t.Series, t.Presenters = "ML Systems Updates", []string{"Soumith Chintala (Facebook)"}
				t.Bio = []string{"Soumith builds software."}
			},
			func(t *raw.Talk) {
				t.Series, t.Presenters = "Panelists", []string{"Garth Gibson (CMU and Vector Institute)"}
				t.Bio = []string{"Garth is a professor.", "From next year he leads an institute."}
			},
			func(t *raw.Talk) {
				t.Series, t.Presenters = "Panelists", []string{"Joseph Gonzalez (UC Berkeley)"}
				t.Bio = []string{"Joseph teaches."}
			},
			func(t *raw.Talk) {
				t.Series, t.Presenters = "Panelists", []string{"Yangqing Jia (Research Scientist in Applied ML, Facebook)"}
			},
			func(t *raw.Talk) {
				t.Series, t.Presenters = "Panelists", []string{"John Langford (Microsoft Research)"}
				t.Bio = []string{"John writes a blog."}
			},
			func(t *raw.Talk) {
				t.Series, t.Presenters, t.Anchor = "Panelists", []string{"Dawn Song (UC Berkeley)"}, "song"
			},
		},
	}, {
		name: "name paragraphs in a row: one talk when its title or abstract follows",
		year: 17,
		content: `<h2>Invited Talks</h2>
<p id="one"><strong>Ann One</strong> (Lab A)</p>
<p><strong>Bo Two</strong> (Lab B)</p>
<p>Abstract: A shared abstract.</p>
<p>Unlabeled text continues it.</p>
<hr />
<p><strong>Cy Three</strong> (Lab C)</p>
<p></p>
<p><strong>Dee Four</strong> (Lab D)</p>
<p>Title: Also Shared</p>
<p>Bio: Two people.</p>`,
		want: []func(*raw.Talk){
			func(t *raw.Talk) {
				t.Series, t.Anchor = "Invited Talks", "one"
				t.Presenters = []string{"Ann One (Lab A)", "Bo Two (Lab B)"}
				t.Abstract = []string{"A shared abstract.", "Unlabeled text continues it."}
			},
			func(t *raw.Talk) {
				t.Series, t.Title = "Invited Talks", "Also Shared"
				t.Presenters = []string{"Cy Three (Lab C)", "Dee Four (Lab D)"}
				t.Bio = []string{"Two people."}
			},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pageURL := nips17TalksURL
			if tt.year == 18 {
				pageURL = nips18TalksURL
			}
			r := mustExtract(t, nipsDoc(tt.year, tt.content), pageURL)
			if r.Extractor != "workshop-talks" {
				t.Fatalf("extractor %q, want workshop-talks", r.Extractor)
			}
			var want []raw.Talk
			for _, f := range tt.want {
				w := nipsTalk(tt.year, f)
				w.Event = r.Site.Name // the event name is scrape/site.go's, tested there
				want = append(want, w)
			}
			if diff := cmp.Diff(want, r.Talks, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("talks (-want +got):\n%s", diff)
			}
			if len(r.Warnings) != 0 {
				t.Errorf("warnings %+v, want none", r.Warnings)
			}
		})
	}
}

// A page in the theme that holds talk-like blocks but cannot be read as
// talks fails, naming the page and what is missing, and yields no
// records a caller could mistake for talks.
func TestWorkshopFamilyTalksFail(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"nothing", `<h1>Invited Talks</h1><p>Speakers to be announced.</p>`, "no speaker blocks"},
		{"headings without speakers", `<h1>Talks</h1><h2>What We Will Discuss</h2><p>Some text.</p><h2>And Then</h2><p>More.</p>`, "no speaker in any"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &raw.Records{}
			err := WorkshopTalks{}.Extract(mustPage(t, nipsDoc(17, tt.content), nips17TalksURL), r)
			if err == nil || !strings.Contains(err.Error(), nips17TalksURL) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Extract error %v, want one naming the page and %q", err, tt.want)
			}
		})
	}
}

func TestWorkshopFamilyPapers(t *testing.T) {
	tests := []struct {
		name, url, content string
		want               []raw.Paper
	}{{
		name: "2017: Name, Affiliation authors; a title only half inside the link",
		url:  nips17PapersURL,
		content: `<p><a href="assets/papers/paper_1.pdf"><strong>TensorFlow-Serving: Flexible, High-Performance ML Serving</strong></a>: Christopher Olston*, Google; Noah Fiedel, Google</p>
<p><a href="assets/papers/paper_26.pdf"><strong>How Much Should We Invest for Network Facility</strong></a>: Quantitative Analysis on Network ’Fatness’ and Machine Learning Performance: Hidemoto Nakada*, AIST</p>
<p><a href="assets/papers/paper_21.pdf"><strong>Distributed Machine Learning - but at what COST?</strong></a>: Christoph Boden*, TU Berlin; Volker Markl, Techniche Universität Berlin</p>
<p><a href="assets/papers/paper_28.pdf"><strong>Tangent: Automatic Differentiation Using Source Code Transformation in Python</strong></a>: Bart van Merriënboer, Alexander B Wiltschko*, Dan Moldovan, Google Inc.</p>`,
		want: []raw.Paper{{
			Title:   "TensorFlow-Serving: Flexible, High-Performance ML Serving",
			Authors: "Christopher Olston*, Google; Noah Fiedel, Google",
			URL:     "http://learningsys.org/nips17/assets/papers/paper_1.pdf",
		}, {
			Title:   "How Much Should We Invest for Network Facility: Quantitative Analysis on Network ’Fatness’ and Machine Learning Performance",
			Authors: "Hidemoto Nakada*, AIST",
			URL:     "http://learningsys.org/nips17/assets/papers/paper_26.pdf",
		}, {
			Title:   "Distributed Machine Learning - but at what COST?",
			Authors: "Christoph Boden*, TU Berlin; Volker Markl, Techniche Universität Berlin",
			URL:     "http://learningsys.org/nips17/assets/papers/paper_21.pdf",
		}, {
			Title:   "Tangent: Automatic Differentiation Using Source Code Transformation in Python",
			Authors: "Bart van Merriënboer, Alexander B Wiltschko*, Dan Moldovan, Google Inc.",
			URL:     "http://learningsys.org/nips17/assets/papers/paper_28.pdf",
		}},
	}, {
		name: "2018: Name (Affiliation) authors as typed; hrefs with spaces and parentheses",
		url:  nips18PapersURL,
		content: `<p><a href="assets/papers/19CameraReadySubmissionPBT_NIPSworkshop2018 (7).pdf"><strong>Population Based Training as a Service</strong></a>: Ang Li (Google DeepMind, Mountain View); Tim Harley ()</p>
<p><a href="assets/papers/11CameraReady.pdf"><strong>Highly Scalable Deep Learning Training System with Mixed-Precision: Training ImageNet in Four Minutes</strong></a>: Xianyan Jia (Tencent Inc.)</p>
<p><a href="assets/papers/34CameraReady.pdf"><strong>Dynamic Automatic Differentiation of  GPU Broadcast Kernels</strong></a>: Amit  Agarwal  (Microsoft); Ann  Other (“University of California, Berkeley”)</p>
<p><strong>An Entry Without a Link</strong>: Jo Example (UC Berkeley )</p>
<p><strong>A Dashed Entry</strong> - Jo Example (None)</p>`,
		want: []raw.Paper{{
			Title:   "Population Based Training as a Service",
			Authors: "Ang Li (Google DeepMind, Mountain View); Tim Harley ()",
			URL:     "http://learningsys.org/nips18/assets/papers/19CameraReadySubmissionPBT_NIPSworkshop2018%20%287%29.pdf",
		}, {
			Title:   "Highly Scalable Deep Learning Training System with Mixed-Precision: Training ImageNet in Four Minutes",
			Authors: "Xianyan Jia (Tencent Inc.)",
			URL:     "http://learningsys.org/nips18/assets/papers/11CameraReady.pdf",
		}, {
			Title:   "Dynamic Automatic Differentiation of  GPU Broadcast Kernels",
			Authors: "Amit  Agarwal  (Microsoft); Ann  Other (“University of California, Berkeley”)",
			URL:     "http://learningsys.org/nips18/assets/papers/34CameraReady.pdf",
		}, {
			Title:   "An Entry Without a Link",
			Authors: "Jo Example (UC Berkeley )",
		}, {
			Title:   "A Dashed Entry",
			Authors: "Jo Example (None)",
		}},
	}, {
		name: "posters: authors in a list under the title",
		url:  nips17PapersURL,
		content: `<p><a href="assets/posters/p1.pdf"><strong>Litz: Elastic Training</strong></a></p>
<ul><li>Aurick Qiao*; Eric Xing, Petuum, Inc.</li></ul>`,
		want: []raw.Paper{{
			Title:   "Litz: Elastic Training",
			Authors: "Aurick Qiao*; Eric Xing, Petuum, Inc.",
			URL:     "http://learningsys.org/nips17/assets/posters/p1.pdf",
		}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			year := 17
			if strings.Contains(tt.url, "nips18") {
				year = 18
			}
			r := mustExtract(t, nipsDoc(year, tt.content), tt.url)
			if r.Extractor != "workshop-papers" {
				t.Fatalf("extractor %q, want workshop-papers", r.Extractor)
			}
			for i := range tt.want {
				tt.want[i].SourceURL = tt.url
			}
			if diff := cmp.Diff(tt.want, r.Papers); diff != "" {
				t.Errorf("papers (-want +got):\n%s", diff)
			}
			if len(r.Warnings) != 0 {
				t.Errorf("warnings %+v, want none", r.Warnings)
			}
		})
	}
}

// Bold titles with no authors after any of them are not a papers page
// read right: Extract fails rather than list them as papers.
func TestWorkshopFamilyPapersFail(t *testing.T) {
	page := mustPage(t, nipsDoc(17, `<p><strong>Morning Session</strong></p><p><strong>Afternoon Session</strong></p>`), nips17PapersURL)
	err := WorkshopPapers{}.Extract(page, &raw.Records{})
	if err == nil || !strings.Contains(err.Error(), nips17PapersURL) || !strings.Contains(err.Error(), "no authors") {
		t.Errorf("Extract error %v, want one naming the page and the missing authors", err)
	}
}

func TestSharedAffiliation(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"Sarah Bird", "Dmytro Dzhulgakov (Facebook)"}, []string{"Sarah Bird (Facebook)", "Dmytro Dzhulgakov (Facebook)"}},
		{[]string{"A (X)", "B (Y)"}, []string{"A (X)", "B (Y)"}},
		{[]string{"A (X)", "B"}, []string{"A (X)", "B"}},
		{[]string{"A", "B", "C (Lab, City (Dept))"}, []string{"A (Lab, City (Dept))", "B (Lab, City (Dept))", "C (Lab, City (Dept))"}},
		{[]string{"A", "(X)"}, []string{"A", "(X)"}},           // a parenthetical alone names no one
		{[]string{"A", "B (X) Jr"}, []string{"A", "B (X) Jr"}}, // not trailing
		{[]string{"A", "B X)"}, []string{"A", "B X)"}},         // unbalanced
		{[]string{"A (X)"}, []string{"A (X)"}},
		{nil, nil},
	}
	for _, tt := range tests {
		in := append([]string(nil), tt.in...)
		if got := sharedAffiliation(in); !cmp.Equal(got, tt.want) {
			t.Errorf("sharedAffiliation(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCutAuthors(t *testing.T) {
	tests := []struct {
		after, rest, authors string
		ok                   bool
	}{
		{": A (X); B (Y)", "", "A (X); B (Y)", true},
		{":A, X", "", "A, X", true},
		{": Quantitative Analysis: Hidemoto Nakada*, AIST", ": Quantitative Analysis", "Hidemoto Nakada*, AIST", true},
		{" : A\u00a0: B", " : A\u00a0", "B", true},
		{": A (http://x.org)", "", "A (http://x.org)", true},
		{" - A (X)", "", " - A (X)", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		rest, authors, ok := cutAuthors(tt.after)
		if rest != tt.rest || authors != tt.authors || ok != tt.ok {
			t.Errorf("cutAuthors(%q) = %q, %q, %v; want %q, %q, %v", tt.after, rest, authors, ok, tt.rest, tt.authors, tt.ok)
		}
	}
}

// FuzzSharedAffiliation: names ("|"-separated) keep their count and
// order; a name changes only by gaining the last name's trailing
// parenthetical, and only if it had none.
func FuzzSharedAffiliation(f *testing.F) {
	for _, s := range []string{"Sarah Bird|Dmytro Dzhulgakov (Facebook)", "A (X)|B", "A|(X)", "A|B|C (L, C (D))", "|)", "((|)", "a|b ()"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := strings.Split(s, "|")
		got := sharedAffiliation(append([]string(nil), in...))
		if len(got) != len(in) {
			t.Fatalf("%d names in, %d out", len(in), len(got))
		}
		paren := trailingParen(in[len(in)-1])
		if paren != "" && (!strings.HasSuffix(strings.TrimSpace(in[len(in)-1]), paren) || paren[0] != '(') {
			t.Fatalf("trailingParen(%q) = %q", in[len(in)-1], paren)
		}
		for i := range in {
			if got[i] == in[i] {
				continue
			}
			if i == len(in)-1 || strings.ContainsAny(in[i], "()") || got[i] != strings.TrimSpace(in[i])+" "+paren {
				t.Fatalf("name %d: %q became %q (shared %q)", i, in[i], got[i], paren)
			}
		}
	})
}

// FuzzCutAuthors: the split gives back the text, and the authors hold no
// colon followed by white space.
func FuzzCutAuthors(f *testing.F) {
	for _, s := range []string{": A (X)", ": Rest: A, X", " - A", ":", "", ": a:\u00a0b", "::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, after string) {
		rest, authors, ok := cutAuthors(after)
		if !ok {
			if authors != after || rest != "" {
				t.Fatalf("cutAuthors(%q) = %q, %q, false", after, rest, authors)
			}
			return
		}
		if !strings.HasPrefix(after, rest+":") || strings.TrimSpace(after[len(rest)+1:]) != authors {
			t.Fatalf("cutAuthors(%q) = %q, %q: not a split of it", after, rest, authors)
		}
		for i := 0; i < len(authors); i++ {
			if r, _ := utf8.DecodeRuneInString(authors[i+1:]); authors[i] == ':' && unicode.IsSpace(r) {
				t.Fatalf("cutAuthors(%q): authors %q hold a later colon", after, authors)
			}
		}
	})
}

// FuzzExtractEditionPages feeds the extractors the unseen editions of the
// family (fixtures/sibling/early2016, neurips2019, garbled), whole, cut
// short and mutated: they never panic, every record names the page, and
// an error names it too.
func FuzzExtractEditionPages(f *testing.F) {
	for _, site := range []string{"early2016", "neurips2019", "garbled"} {
		dir := filepath.Join("..", "fixtures", "sibling", site)
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			if filepath.Ext(e.Name()) != ".html" {
				continue
			}
			page, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(page)
			f.Add(page[:len(page)/2])
			f.Add(page[:len(page)/5])
		}
	}
	f.Add([]byte(workshopDoc(`<table><tr><td><b>S</b></td></tr><tr><td>9:00 - 9:30</td><td>A<br><i>B</i><ul><li>C<br>(D)</li></ul></td></tr></table>`)))
	f.Add([]byte(workshopDoc(`<h1>Papers</h1><ol><li><b>T</b>. A (B)<li><a><strong>U</strong></a><br>C</ol>`)))
	f.Fuzz(func(t *testing.T, page []byte) {
		const pageURL = "http://example.org/early2016/schedule.html"
		r, err := ExtractPage(page, pageURL)
		if r == nil {
			t.Fatal("nil result")
		}
		if err != nil && !strings.Contains(err.Error(), pageURL) {
			t.Errorf("error %q does not name the page", err)
		}
		for _, tk := range r.Talks {
			if tk.SourceURL != pageURL {
				t.Fatalf("talk %+v does not name the page", tk)
			}
		}
		for _, s := range r.Slots {
			if s.SourceURL != pageURL || strings.TrimSpace(s.Time) == "" {
				t.Fatalf("slot %+v does not name the page or has no time", s)
			}
		}
		for _, p := range r.Papers {
			if p.SourceURL != pageURL || strings.TrimSpace(p.Title) == "" {
				t.Fatalf("paper %+v does not name the page or has no title", p)
			}
		}
	})
}
