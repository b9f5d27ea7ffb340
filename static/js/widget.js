/* HighVibe chat widget loader: placeholder, built by the channels issue. */
