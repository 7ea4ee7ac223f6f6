package quantize

// biasShift returns, per output channel, how much the mean pre-activation
// output of a weight layer moves when its weights w are replaced by their
// quantized values wq, for inputs whose mean patch is mean (see patchMean):
//
//	shift[c] = Σ_j (wq[c,j] − w[c,j]) · mean[j]
//
// Subtracting it from the bias is bias correction: the rounding of the
// weights no longer moves each channel's mean output.
func biasShift(op string, w, wq []float32, shape []int32, mean []float64, inShape []int32) []float64 {
	switch op {
	case "DEPTHWISE_CONV_2D":
		// Weights [1, KH, KW, OC]; output channel c reads input channel c/M.
		oc := int(shape[3])
		cin := int(inShape[len(inShape)-1])
		mult := max(oc/max(cin, 1), 1)
		taps := len(w) / oc
		shift := make([]float64, oc)
		for t := 0; t < taps; t++ {
			for c := 0; c < oc; c++ {
				j := t*oc + c
				shift[c] += float64(wq[j]-w[j]) * mean[t*cin+c/mult]
			}
		}
		return shift
	default:
		// CONV_2D [OC, KH, KW, IC] and FULLY_CONNECTED [OC, K]: row c is
		// laid out like the mean patch.
		oc := int(shape[0])
		per := len(w) / oc
		shift := make([]float64, oc)
		for c := 0; c < oc; c++ {
			for j := 0; j < per && j < len(mean); j++ {
				shift[c] += float64(wq[c*per+j]-w[c*per+j]) * mean[j]
			}
		}
		return shift
	}
}
