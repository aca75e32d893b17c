"""The market's pages: public views (home, marketplace, registry) and, for signed-in
buyers, the buy form, orders and payment, holdings, retirements and transfers."""
