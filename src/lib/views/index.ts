// The public face of src/lib/views: what each page renders, one function per page.
export {};
