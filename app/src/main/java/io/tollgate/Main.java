package io.tollgate;
public class Main { public static void main(String[] a) {} }
