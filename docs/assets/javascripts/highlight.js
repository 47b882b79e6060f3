// Highlight code blocks in the browser (highlight.js, served from this site).
// Pygments at build time cost a 3000-operator build about 11 s (see README, Performance).
// document$ emits on the first load and after every instant navigation.
document$.subscribe(() => {
  hljs.highlightAll()
})
