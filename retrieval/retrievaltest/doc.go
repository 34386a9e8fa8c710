// Package retrievaltest provides the conformance suite every
// [retrieval.Store] must pass, and deterministic fakes for tests.
//
// A store's tests call [Run] with a function that makes a fresh, empty store:
//
//	func TestConformance(t *testing.T) {
//		retrievaltest.Run(t, func(t *testing.T, o retrievaltest.StoreOptions) retrieval.Store {
//			s, err := mystore.Open(mystore.Options{Now: o.Now})
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
package retrievaltest
